package dev.comet.gateway;

import dev.comet.client.NodeCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * A node's metrics in a Micrometer Prometheus registry: the node's counters (read from the latest
 * {@link NodeCounters} snapshot, which {@link #scrape} refreshes first) and the gateway's own requests by route,
 * method and status. Owner of the registry and of the snapshot: this class; safe from any thread.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<NodeCounters> latest = new AtomicReference<>();

    public GatewayMetrics() {
        rpc("in", "query", c -> c.stats().queriesReceived());
        rpc("in", "malformed", c -> c.stats().malformedDropped());
        rpc("in", "unsolicited", c -> c.stats().unsolicitedDropped());
        rpc("in", "error_reply_sent", c -> c.stats().errorRepliesSent());
        rpc("in", "forged", c -> c.stats().forgedDropped());
        // the reasons are explained in docs/operations.md (Metrics) and docs/abuse.md
        guard("source_rate", c -> c.stats().guard().throttledBySource());
        guard("global_rate", c -> c.stats().guard().throttledGlobal());
        guard("banned", c -> c.stats().guard().bannedDropped());
        guard("reply_unverified", c -> c.stats().guard().repliesRefused());
        guard("reply_rate", c -> c.stats().guard().repliesDropped());
        guard("store_quota", c -> c.stats().guard().storesRefused());
        counter("comet.guard.bans", "sources banned, by reason", Tags.of("reason", "flood"), c -> c.stats().guard().floodBans());
        counter("comet.guard.bans", "sources banned, by reason", Tags.of("reason", "id_change"),
                c -> c.stats().guard().idChangeBans());
        gauge("comet.guard.banned.sources", "sources banned now", c -> c.stats().guard().activeBans());
        rpc("out", "query", c -> c.stats().queriesSent());
        rpc("out", "response", c -> c.stats().responsesReceived());
        rpc("out", "error", c -> c.stats().errorsReceived());
        rpc("out", "retry", c -> c.stats().retries());
        rpc("out", "retry_skipped", c -> c.stats().retriesSkipped());
        rpc("out", "timeout", c -> c.stats().timeouts());
        rpc("out", "paced", c -> c.stats().guard().queriesDelayed());
        rpc("out", "pacing_refused", c -> c.stats().guard().queriesRefused());
        counter("comet.fragments.messages", "Comet messages sent in fragments", Tags.empty(),
                c -> c.stats().fragments().messagesFragmented());
        counter("comet.fragments.sent", "fragments sent", Tags.empty(), c -> c.stats().fragments().fragmentsSent());
        counter("comet.fragments.reassembled", "Comet messages put back together from fragments", Tags.empty(),
                c -> c.stats().fragments().messagesReassembled());
        counter("comet.fragments.dropped", "fragments that did not decode, and half-received messages dropped",
                Tags.empty(), c -> c.stats().fragments().fragmentsDropped());
        gauge("comet.fragments.buffered.bytes", "bytes held for half-received messages",
                c -> c.stats().fragments().bufferedBytes());
        counter("comet.internal.errors", "bugs caught in the node (each answered with a server error)", Tags.empty(),
                c -> c.stats().internalErrors());
        counter("comet.lookups.started", "iterative lookups started", Tags.empty(), c -> c.stats().lookupsStarted());
        counter("comet.lookups.finished", "iterative lookups finished", Tags.empty(), c -> c.stats().lookupsFinished());
        counter("comet.lookup.hops", "hops of finished lookups added up (divide by lookups finished: the mean)",
                Tags.empty(), NodeCounters::lookupHops);
        gauge("comet.store.records", "records in the node's store", c -> c.store().records());
        gauge("comet.store.bytes", "bytes (keys and values) in the node's store", c -> c.store().bytes());
        gauge("comet.store.max.records", "the store's record quota", c -> c.store().maxRecords());
        gauge("comet.store.max.bytes", "the store's byte quota", c -> c.store().maxBytes());
        counter("comet.handler.invocations", "active-object handler invocations", Tags.empty(), c -> c.objects().invocations());
        counter("comet.handler.instructions", "Lua instructions handlers ran", Tags.empty(), c -> c.objects().instructions());
        counter("comet.handler.allocated.bytes", "bytes handlers allocated", Tags.empty(), c -> c.objects().allocatedBytes());
        counter("comet.handler.refusals", "handlers that answered false", Tags.empty(), c -> c.objects().refusals());
        counter("comet.handler.errors", "handlers that failed (an error or a limit)", Tags.empty(), c -> c.objects().errors());
        counter("comet.handler.abandoned", "invocations the watchdog stopped past their backstop (worker replaced)",
                Tags.empty(), c -> c.objects().abandonedWorkers());
        counter("comet.handler.inline", "gets whose onGet was tried on the node's own thread (objects.inlineInstructions)",
                Tags.of("outcome", "ran"), c -> c.objects().inlineGets() - c.objects().inlineYields());
        counter("comet.handler.inline", "gets whose onGet was tried on the node's own thread (objects.inlineInstructions)",
                Tags.of("outcome", "yielded"), c -> c.objects().inlineYields());
        gauge("comet.objects.cached", "objects loaded in the handler runtime", c -> c.objects().cachedObjects());
        gauge("comet.objects.cached.bytes", "estimated bytes of the loaded objects", c -> c.objects().cachedBytes());
        gauge("comet.objects.memory.bytes", "estimated bytes the node's objects retain (objects.objectMemoryBytes)",
                c -> c.objects().objectBytes());
    }

    /** Prometheus text of every metric, after taking {@code counters} as the node's current numbers. */
    public String scrape(NodeCounters counters) {
        latest.set(counters);
        // methods and limits appear as the node meets them; registering again returns the existing meter
        counters.queriesByMethod().keySet().forEach(method -> counter("comet.rpc.queries.received",
                "KRPC queries received by method", Tags.of("method", method), c -> c.queriesByMethod().getOrDefault(method, 0L)));
        counters.objects().limitsHit().keySet().forEach(limit -> counter("comet.handler.limits.hit",
                "handler invocations stopped by a sandbox limit", Tags.of("limit", limit),
                c -> c.objects().limitsHit().getOrDefault(limit, 0L)));
        return registry.scrape();
    }

    /** Counts one gateway request: its route pattern, HTTP method, status and duration. */
    public void request(String route, String method, int status, Duration took) {
        Timer.builder("comet.gateway.requests").description("HTTP requests the gateway answered")
                .tags("route", route, "method", method, "status", Integer.toString(status))
                .register(registry).record(took);
    }

    private void guard(String reason, ToDoubleFunction<NodeCounters> f) {
        counter("comet.guard.dropped", "queries, datagrams and replies the node's guard dropped or refused, by reason",
                Tags.of("reason", reason), f);
    }

    private void rpc(String direction, String outcome, ToDoubleFunction<NodeCounters> f) {
        counter("comet.rpc.messages", "KRPC messages by direction (in: to this node, out: its own queries) and outcome",
                Tags.of("direction", direction, "outcome", outcome), f);
    }

    private void counter(String name, String help, Tags tags, ToDoubleFunction<NodeCounters> f) {
        FunctionCounter.builder(name, latest, ref -> ref.get() == null ? 0 : f.applyAsDouble(ref.get()))
                .description(help).tags(tags).register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<NodeCounters> f) {
        Gauge.builder(name, latest, ref -> ref.get() == null ? 0 : f.applyAsDouble(ref.get()))
                .description(help).register(registry);
    }

}
