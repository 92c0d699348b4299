package dev.comet.apps;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.HandlerLimits;
import dev.comet.coords.Coordinate;
import dev.comet.coords.Estimate;
import dev.comet.id.NodeId;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker's handler on one replica: announcements record a peer where its coordinates say, and a get answers the
 * peers nearest the requester, by the coordinates its query carried or those a client names as arguments.
 */
class TrackerTest {
    private final SandboxPool pool = new SandboxPool(1, 100);
    private final LuaAsoRuntime runtime = new LuaAsoRuntime(pool, Runnable::run,
            HandlerLimits.defaults().withWallMillis(10_000), "10.0.0.1", NodeId.ofKey("replica"), () -> 60_000L);
    private final NodeId key = NodeId.ofKey("tracker swarm");
    private final byte[] code = ShippedApps.named("tracker").orElseThrow().code().getBytes(StandardCharsets.UTF_8);
    private byte[] state;

    @AfterEach
    void close() {
        pool.close();
    }

    /** A get from the node at 10.0.0.{host} whose query carried coordinates (x, y) (null: none). */
    private Object get(int host, double[] at, Map<String, byte[]> args) throws Exception {
        Estimate coordinates = at == null ? null : new Estimate(new Coordinate(at[0], at[1], 1), 0.1);
        AsoCall.Caller caller = new AsoCall.Caller("10.0.0." + host, 6881, NodeId.ofKey("peer " + host), false, null,
                coordinates);
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(key, code, state, state == null, "onGet", caller, args, null, null, List.of(), true),
                done::complete);
        AsoOutcome outcome = done.get(5, TimeUnit.SECONDS);
        assertThat(outcome.ok()).as(String.valueOf(outcome.error())).isTrue();
        state = outcome.state();
        // strings travel as bytes
        return ((List<?>) outcome.answer()).stream().map(b -> new String((byte[]) b, StandardCharsets.UTF_8)).toList();
    }

    private static Map<String, byte[]> args(String... pairs) {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void answersTheAnnouncedPeersNearestTheRequesterOrTheCoordinatesAClientNames() throws Exception {
        // eight peers on a line, 10 ms apart
        for (int host = 10; host < 18; host++) {
            get(host, new double[] {(host - 10) * 10, 0}, args("announce", "1"));
        }
        // a peer without coordinates cannot be placed: it is not recorded
        get(40, null, args("announce", "1"));

        assertThat(get(50, new double[] {31, 0}, args("want", "3")))
                .isEqualTo(List.of("10.0.0.13:6881", "10.0.0.14:6881", "10.0.0.12:6881"));
        // the requester's own entry is left out; the default is aso.want, 5
        assertThat(get(10, new double[] {0, 0}, args()))
                .isEqualTo(List.of("10.0.0.11:6881", "10.0.0.12:6881", "10.0.0.13:6881", "10.0.0.14:6881",
                        "10.0.0.15:6881"));
        // a client names coordinates at the far end: they win over its query's
        assertThat(get(50, new double[] {0, 0}, args("x", "69", "y", "1", "h", "2", "want", "2")))
                .isEqualTo(List.of("10.0.0.17:6881", "10.0.0.16:6881"));
    }
}
