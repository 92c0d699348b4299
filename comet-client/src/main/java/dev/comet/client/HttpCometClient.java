package dev.comet.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.CometError;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectReport;
import dev.comet.items.Ed25519;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A {@link CometClient} that talks to a node's HTTP gateway (JDK HttpClient, JSON with Jackson). Errors come
 * back as the gateway's {@code {error, code, name, message}} and are thrown as {@link CometClientException} with
 * the same catalogue entry the embedded client would throw. Thread-safe; one client can serve many threads.
 */
public final class HttpCometClient implements CometClient {
    /** JSON as the gateway writes it: no null fields, and integers read as Long like the embedded client's answers. */
    static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    /** A client of the gateway at {@code base} (e.g. {@code http://127.0.0.1:8080}), waiting up to {@code timeout}. */
    public HttpCometClient(URI base, Duration timeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A client of the gateway at {@code base}, waiting up to a minute for an answer. */
    public HttpCometClient(URI base) {
        this(base, Duration.ofSeconds(60));
    }

    @Override
    public WriteResult put(String key, ObjectSpec spec) {
        return send(request("/v1/objects/" + pathOf(key)).PUT(body(spec)), WriteResult.class);
    }

    @Override
    public GetResult get(String key, Map<String, String> args, boolean all) {
        return send(request("/v1/objects/" + pathOf(key) + getQuery(null, args, all)).GET(), GetResult.class);
    }

    @Override
    public WriteResult putSigned(SignedObjectSpec spec) {
        spec.toSignature(); // bad input fails here as in the embedded client; the gateway and every node check again
        return send(request("/v1/signed-objects").PUT(body(spec)), WriteResult.class);
    }

    @Override
    public GetResult getSigned(String publicKeyHex, String salt, Map<String, String> args, boolean all) {
        SignedObjectSpec.publicKeyOf(publicKeyHex);
        return send(request("/v1/signed-objects/" + queryOf(publicKeyHex) + getQuery(salt, args, all)).GET(),
                GetResult.class);
    }

    @Override
    public GetResult getSignedFresh(String publicKeyHex, String salt, Map<String, String> args, long minVersion,
                                    Long maxAgeSeconds) {
        SignedObjectSpec.publicKeyOf(publicKeyHex);
        if (minVersion < 0 || maxAgeSeconds != null && maxAgeSeconds < 0) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a minimum version and a maximum age must not be negative");
        }
        String query = getQuery(salt, args, false);
        String bounds = "min-version=" + minVersion + (maxAgeSeconds == null ? "" : "&max-age=" + maxAgeSeconds);
        return send(request("/v1/signed-objects/" + queryOf(publicKeyHex) + (query.isEmpty() ? "?" : query + "&")
                + bounds).GET(), GetResult.class);
    }

    /** The query string of a get: the salt of a signed object, onGet's arguments and all. */
    private static String getQuery(String salt, Map<String, String> args, boolean all) {
        StringJoiner query = new StringJoiner("&", "?", "");
        if (salt != null) {
            query.add("salt=" + queryOf(salt));
        }
        args.forEach((name, value) -> query.add("arg." + queryOf(name) + "=" + queryOf(value)));
        if (all) {
            query.add("all=true");
        }
        return query.length() > 1 ? query.toString() : "";
    }

    @Override
    public WriteResult delete(String key) {
        return send(request("/v1/objects/" + pathOf(key)).DELETE(), WriteResult.class);
    }

    @Override
    public WriteResult deleteSigned(Ed25519.RawKeyPair signer, String publicKey, String salt) {
        SignedRequest request = SignedRequest.sign(signer, OwnerRequest.DELETE, NodeOperations.signedKey(publicKey, salt));
        return send(signed(request("/v1/signed-objects/" + publicKey + saltQuery(salt)), request).DELETE(), WriteResult.class);
    }

    @Override
    public ObjectReport state(Ed25519.RawKeyPair signer, String publicKey, String salt) {
        SignedRequest request = SignedRequest.sign(signer, OwnerRequest.STATE, NodeOperations.signedKey(publicKey, salt));
        return send(signed(request("/v1/node/signed-objects/" + publicKey + saltQuery(salt)), request).GET(),
                ObjectReport.class);
    }

    @Override
    public ObjectReport state(String key, String adminToken) {
        HttpRequest.Builder get = request("/v1/node/objects/" + pathOf(key));
        if (adminToken != null) {
            get.header("Authorization", "Bearer " + adminToken);
        }
        return send(get.GET(), ObjectReport.class);
    }

    @Override
    public UpdateResult update(Ed25519.RawKeyPair signer, String publicKey, String salt, UpdateProgram program) {
        OwnerRequest update = SignedRequest.update(signer, NodeOperations.signedKey(publicKey, salt), program);
        // the signed fields travel as headers and the program as the very bytes signed; the private key stays here
        HttpRequest.Builder post = signed(request("/v1/signed-objects/" + publicKey + "/updates" + saltQuery(salt)),
                SignedRequest.of(update));
        return send(post.POST(body(Map.of("program", HexFormat.of().formatHex(update.body())))), UpdateResult.class);
    }

    @Override
    public VersionResult version(String publicKey, String salt, long number) {
        NodeOperations.signedKey(publicKey, salt);
        return send(request("/v1/signed-objects/" + publicKey + "/versions/" + number + saltQuery(salt)).GET(),
                VersionResult.class);
    }

    @Override
    public VersionResult versionByHash(String publicKey, String salt, String sha256Hex) {
        NodeOperations.signedKey(publicKey, salt);
        ItemSpec.hex("version hash", sha256Hex, 32); // as the embedded client checks it, before the request
        return send(request("/v1/signed-objects/" + publicKey + "/versions/sha256/" + sha256Hex + saltQuery(salt))
                .GET(), VersionResult.class);
    }

    @Override
    public List<VersionResult> versions(String publicKey, String salt) {
        NodeOperations.signedKey(publicKey, salt);
        return send(request("/v1/signed-objects/" + publicKey + "/versions" + saltQuery(salt)).GET(),
                VersionList.class).versions();
    }

    /** The gateway's listing of kept versions, {@code {"versions": [...]}}. */
    private record VersionList(List<VersionResult> versions) {
    }

    private static String saltQuery(String salt) {
        return salt == null ? "" : "?salt=" + queryOf(salt);
    }

    /** The owner's signed request as headers: the signature travels, the private key does not. */
    private static HttpRequest.Builder signed(HttpRequest.Builder builder, SignedRequest request) {
        request.headers().forEach(builder::header);
        return builder;
    }

    @Override
    public WriteResult putItem(ItemSpec item) {
        return send(request("/v1/items").PUT(body(item)), WriteResult.class);
    }

    @Override
    public ItemResult getItem(String targetHex, String salt) {
        return send(request("/v1/items/" + queryOf(targetHex) + (salt == null ? "" : "?salt=" + queryOf(salt))).GET(),
                ItemResult.class);
    }

    /** The gateway's node: id, address, uptime, routing table and store. */
    public NodeStatus node() {
        return send(request("/v1/node").GET(), NodeStatus.class);
    }

    /** Nothing to release: the JDK client's connections close when it is collected. */
    @Override
    public void close() {
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
    }

    private static HttpRequest.BodyPublisher body(Object value) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "cannot write the request as JSON: " + e.getOriginalMessage());
        }
    }

    private <T> T send(HttpRequest.Builder builder, Class<T> type) {
        HttpResponse<String> response;
        try {
            response = http.send(builder.header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CometClientException(ErrorCode.GATEWAY_UNREACHABLE, "cannot reach the gateway at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometClientException(ErrorCode.TIMEOUT, "interrupted while waiting for the gateway");
        }
        try {
            if (response.statusCode() / 100 == 2) {
                return JSON.readValue(response.body(), type);
            }
            throw new CometClientException(errorOf(response.statusCode(), JSON.readTree(response.body())));
        } catch (JsonProcessingException e) {
            throw new CometClientException(ErrorCode.INTERNAL, "the gateway answered " + response.statusCode()
                    + " with a body that is not the JSON expected");
        }
    }

    /** The error a gateway's JSON error body carries: its catalogue code and message, read as fields. */
    private static CometError errorOf(int status, JsonNode body) {
        String message = body.path("message").asText("");
        return ErrorCode.byCode(body.path("code").asInt(-1))
                .map(code -> new CometError(code, message))
                .orElseGet(() -> new CometError(ErrorCode.INTERNAL, "the gateway answered " + status
                        + " with an error this client does not know: " + CometError.bounded(message)));
    }

    /** A key as a URL path: each segment percent-encoded, slashes kept (the gateway's route takes them). */
    static String pathOf(String key) {
        NodeOperations.keyId(key); // an empty or huge key fails here as it would in the gateway (an empty one has no route)
        StringJoiner path = new StringJoiner("/");
        for (String segment : key.split("/", -1)) {
            path.add(queryOf(segment));
        }
        return path.toString();
    }

    private static String queryOf(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
