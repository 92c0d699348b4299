package dev.comet.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.comet.ErrorCode;
import dev.comet.client.ApiError;
import dev.comet.client.CometClientException;
import dev.comet.client.ItemSpec;
import dev.comet.client.NodeOperations;
import dev.comet.client.ObjectSpec;
import dev.comet.client.SignedObjectSpec;
import dev.comet.client.SignedRequest;
import dev.comet.runtime.UdpNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * A node's HTTP/JSON gateway (docs/openapi.yaml): objects, signed objects with their guarded updates and versions
 * ({@link UpdateRoutes}), items, node status, per-object reports and Prometheus metrics over Javalin. It does the
 * DHT work for its clients through {@link NodeOperations}; every failure becomes a JSON {@link ErrorBody} with the
 * status of its kind ({@link ApiError}), never a stack trace. Owns its Javalin server; not the node.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** Strict input: unknown fields, numbers for strings and fractions for integers are errors. */
    private static final ObjectMapper INPUT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private static final ObjectMapper OUTPUT = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;
    private final NodeOperations operations;
    private final GatewayConfig config;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Semaphore inFlight;

    private Gateway(UdpNode node, GatewayConfig config) {
        this.config = config;
        this.operations = new NodeOperations(node, config.requestTimeout());
        this.inFlight = new Semaphore(config.maxInFlight());
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jsonMapper(new JavalinJackson(OUTPUT, false));
            c.router.ignoreTrailingSlashes = true;
        });
        app.put("/v1/objects/<key>", limited(ctx -> operations.put(ctx.pathParam("key"), body(ctx, ObjectSpec.class))));
        app.get("/v1/objects/<key>", limited(ctx -> {
            GetQuery q = GetQuery.of(ctx, false);
            return operations.get(ctx.pathParam("key"), q.args(), q.all());
        }));
        // signed objects: the client signs, the gateway and every node only check (the private key never travels)
        app.put("/v1/signed-objects", limited(ctx -> operations.putSigned(body(ctx, SignedObjectSpec.class))));
        app.get("/v1/signed-objects/{publicKey}", limited(ctx -> {
            GetQuery q = GetQuery.of(ctx, true);
            if (q.bounded()) {
                return operations.getSignedFresh(ctx.pathParam("publicKey"), q.salt(), q.args(), q.minVersion(),
                        q.maxAgeSeconds());
            }
            return operations.getSigned(ctx.pathParam("publicKey"), q.salt(), q.args(), q.all());
        }));
        app.delete("/v1/objects/<key>", limited(ctx -> operations.delete(ctx.pathParam("key"))));
        // an owner's request is signed by the client and carried in headers (kept out of URLs and access logs)
        app.delete("/v1/signed-objects/{publicKey}", limited(ctx -> operations.deleteSigned(ctx.pathParam("publicKey"),
                saltOnly(ctx), SignedRequest.fromHeaders(ctx::header))));
        // guarded updates (signed like a delete, the program in the body) and the value's kept versions
        UpdateRoutes updates = new UpdateRoutes(operations);
        app.post(UpdateRoutes.UPDATES, limited(updates::update));
        app.get(UpdateRoutes.VERSIONS, limited(updates::versions));
        app.get(UpdateRoutes.VERSION_BY_HASH, limited(updates::versionByHash));
        app.get(UpdateRoutes.VERSION, limited(updates::version));
        app.get("/v1/items/{target}", limited(ctx -> operations.getItem(ctx.pathParam("target"), saltOnly(ctx))));
        app.put("/v1/items", limited(ctx -> operations.putItem(body(ctx, ItemSpec.class))));
        app.get("/v1/node", limited(ctx -> operations.status()));
        // a replica's state and log: for the node's operator (admin token) or a signed object's owner (signed request)
        app.get("/v1/node/objects/<key>", limited(ctx -> {
            noQuery(ctx);
            return operations.report(ctx.pathParam("key"), bearer(ctx), SignedRequest.fromHeaders(ctx::header));
        }));
        app.get("/v1/node/signed-objects/{publicKey}", limited(ctx -> operations.reportSigned(ctx.pathParam("publicKey"),
                saltOnly(ctx), bearer(ctx), SignedRequest.fromHeaders(ctx::header))));
        app.get("/metrics", limited(ctx -> operations.counters().thenApply(metrics::scrape)));
        app.exception(Exception.class, (e, ctx) -> fail(ctx, failure(e)));
        // a request no route matched (ours answer their own 404s as JSON already)
        app.error(404, ctx -> {
            if (!String.valueOf(ctx.res().getContentType()).startsWith("application/json")) {
                fail(ctx, new CometClientException(ErrorCode.NO_SUCH_ROUTE, "no route " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    /** Starts a gateway for {@code node} on {@code config}'s address and port. */
    public static Gateway start(UdpNode node, GatewayConfig config) {
        Gateway gateway = new Gateway(node, config);
        try {
            gateway.app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            gateway.app.stop();
            throw new dev.comet.CometException(dev.comet.ErrorCode.IO,
                    "cannot serve HTTP on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        LOG.info("gateway of node {} on {}", node.id().toHex(), gateway.url());
        return gateway;
    }

    /** The port the gateway listens on (the one chosen when the config asked for 0). */
    public int port() {
        return app.port();
    }

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** The permits of requests in flight (tests take them all to see the 429). */
    Semaphore inFlight() {
        return inFlight;
    }

    /** A route's work: the future of what to answer (a record as JSON, or a String as Prometheus text). */
    private interface Operation {
        CompletableFuture<?> start(Context ctx);
    }

    /**
     * A handler running {@code operation} when fewer than maxInFlight requests are running (429 otherwise), and
     * answering its result or failure when it completes; counted in the metrics by route and status.
     */
    private io.javalin.http.Handler limited(Operation operation) {
        return ctx -> {
            long started = System.nanoTime();
            if (!inFlight.tryAcquire()) {
                fail(ctx, new CometClientException(ErrorCode.OVERLOADED,
                        "the gateway is serving " + config.maxInFlight() + " requests; retry in a moment"));
                count(ctx, started);
                return;
            }
            CompletableFuture<?> work;
            try {
                work = operation.start(ctx);
            } catch (RuntimeException e) {
                inFlight.release();
                fail(ctx, failure(e));
                count(ctx, started);
                return;
            }
            ctx.future(() -> work.handle((result, failure) -> {
                inFlight.release();
                if (failure != null) {
                    fail(ctx, NodeOperations.failure(failure));
                } else if (result instanceof String text) {
                    ctx.contentType(PROMETHEUS_TEXT).result(text);
                } else {
                    ctx.json(result);
                }
                count(ctx, started);
                return null;
            }));
        };
    }

    /** Javalin's own refusals (body too large) as catalogue errors; everything else as {@link NodeOperations#failure}. */
    private CometClientException failure(Throwable e) {
        if (e instanceof HttpResponseException h) {
            if (h.getStatus() == 413) {
                return new CometClientException(ErrorCode.REQUEST_TOO_LARGE,
                        "the request body is larger than " + config.maxBodyBytes() + " bytes");
            }
            return new CometClientException(h.getStatus() < 500 ? ErrorCode.BAD_INPUT : ErrorCode.INTERNAL,
                    h.getStatus() < 500 ? h.getMessage() : "internal error");
        }
        return NodeOperations.failure(e);
    }

    private void count(Context ctx, long startedNanos) {
        metrics.request(ctx.endpointHandlerPath(), ctx.method().name(), ctx.statusCode(),
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    /** Answers {@code e}: the status of its kind, {@code Retry-After} for a busy node or gateway, and its body. */
    private static void fail(Context ctx, CometClientException e) {
        ApiError kind = e.error();
        if (kind.retryLater()) {
            ctx.header("Retry-After", Integer.toString(ApiError.RETRY_AFTER_SECONDS));
        }
        ctx.status(kind.status()).json(ErrorBody.of(e.toError()));
    }

    /** The request body as {@code type}: 400 for a missing body, bad JSON, wrong types or unknown fields. */
    static <T> T body(Context ctx, Class<T> type) {
        return body(ctx.bodyAsBytes(), type);
    }

    /** {@code bytes}, a request body, as {@code type}; apart from Javalin, so that GatewayBodyFuzzer can reach it. */
    static <T> T body(byte[] bytes, Class<T> type) {
        if (bytes.length == 0) {
            throw bad("the request needs a JSON body");
        }
        try {
            T value = INPUT.readValue(bytes, type);
            if (value == null) {
                throw bad("the request body must be a JSON object");
            }
            return value;
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw bad("unknown field '" + e.getPropertyName() + "'");
        } catch (JsonProcessingException e) {
            throw bad("bad JSON body: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw bad("cannot read the request body");
        }
    }

    /**
     * The query parameters of an object get: onGet's {@code arg.NAME}s, {@code all}, and for a signed object its
     * {@code salt} and the freshness bounds {@code min-version} and {@code max-age} (seconds; null when absent).
     */
    private record GetQuery(Map<String, String> args, boolean all, String salt, long minVersion, Long maxAgeSeconds) {
        static GetQuery of(Context ctx, boolean signed) {
            Map<String, String> args = new TreeMap<>();
            boolean all = false;
            String salt = null;
            long minVersion = 0;
            Long maxAge = null;
            for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
                String value = p.getValue().isEmpty() ? "" : p.getValue().get(0);
                if (p.getKey().startsWith("arg.") && p.getKey().length() > 4) {
                    args.put(p.getKey().substring(4), value);
                } else if (p.getKey().equals("all")) {
                    all = bool("all", value);
                } else if (signed && p.getKey().equals("salt")) {
                    salt = value;
                } else if (signed && p.getKey().equals("min-version")) {
                    minVersion = count("min-version", value);
                } else if (signed && p.getKey().equals("max-age")) {
                    maxAge = count("max-age", value);
                } else {
                    throw bad("unknown query parameter '" + p.getKey() + "' (use " + (signed
                            ? "salt=SALT, min-version=N, max-age=SECONDS, " : "") + "arg.NAME=VALUE and all=true|false)");
                }
            }
            GetQuery q = new GetQuery(args, all, salt, minVersion, maxAge);
            if (q.bounded() && all) {
                throw bad("a read bounded by min-version or max-age asks the closest replica that can answer: it cannot "
                        + "be combined with all=true");
            }
            return q;
        }

        /** True when the read asks for a fresh enough value. */
        boolean bounded() {
            return minVersion > 0 || maxAgeSeconds != null;
        }
    }

    private static long count(String name, String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, as for a negative number
        }
        throw bad(name + " must be a whole number of at least 0, got '" + value + "'");
    }

    /** The {@code salt} query parameter (null when absent), the only one the route takes. */
    static String saltOnly(Context ctx) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!name.equals("salt")) {
                throw bad("unknown query parameter '" + name + "' (only salt)");
            }
        }
        return ctx.queryParam("salt");
    }

    private static void noQuery(Context ctx) {
        if (!ctx.queryParamMap().isEmpty()) {
            throw bad("unknown query parameter '" + ctx.queryParamMap().keySet().iterator().next() + "' (none is taken)");
        }
    }

    /**
     * The operator's admin token from {@code Authorization: Bearer TOKEN}, or null when the header is absent; the
     * node compares it with its {@code access.adminToken}.
     */
    private static String bearer(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null) {
            return null;
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw bad("the Authorization header must be 'Bearer TOKEN'");
        }
        return authorization.substring(7).strip();
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw bad(name + " must be true or false, got '" + value + "'");
        };
    }

    private static CometClientException bad(String message) {
        return new CometClientException(ErrorCode.BAD_INPUT, message);
    }

}
