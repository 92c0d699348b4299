package dev.comet.lua;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.HandlerLimits;
import dev.comet.coords.Coordinate;
import dev.comet.coords.Estimate;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Handlers read network coordinates: their node's ({@code comet.coordinates()}) and the requester's ({@code caller.coordinates}). */
class CoordinatesApiTest {
    private static final String CODE = """
            function onGet(caller, args)
              local here, there = comet.coordinates(), caller.coordinates
              local out = {}
              if here then
                out.here = {here.x, here.y, here.h, here.error * 100}
                here.x = 999 -- a copy: the node's coordinate does not move
              end
              if there then out.there = {there.x, there.y, there.h, there.error * 100} end
              out.again = comet.coordinates() and comet.coordinates().x or -1
              return out
            end
            """;

    private final SandboxPool pool = new SandboxPool(1, 100);
    private final LuaAsoRuntime runtime = new LuaAsoRuntime(pool, Runnable::run,
            HandlerLimits.defaults().withWallMillis(10_000), "127.0.0.1", NodeId.ofKey("node"), () -> 1_000L);
    private final NodeId key = NodeId.ofKey("swarm");

    @AfterEach
    void close() {
        pool.close();
    }

    private Object get(Estimate here, Estimate requester) throws Exception {
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        AsoCall call = new AsoCall(key, CODE.getBytes(StandardCharsets.UTF_8), null, true, "onGet",
                new AsoCall.Caller("10.0.0.7", 6881, NodeId.ofKey("peer"), false, null, requester), Map.of(), null,
                null, List.of(), true).at(here);
        runtime.invoke(call, done::complete);
        AsoOutcome outcome = done.get(5, TimeUnit.SECONDS);
        assertThat(outcome.ok()).as(String.valueOf(outcome.error())).isTrue();
        return outcome.answer();
    }

    @Test
    void aHandlerReadsItsNodesCoordinatesAndTheRequesters() throws Exception {
        Object answer = get(new Estimate(new Coordinate(12, -30, 4), 0.5), new Estimate(new Coordinate(-7, 8, 2), 0.25));

        assertThat(answer).isEqualTo(Map.of("here", List.of(12L, -30L, 4L, 50L), "there", List.of(-7L, 8L, 2L, 25L),
                "again", 12L));
    }

    @Test
    void coordinatesNobodyKnowsAreNil() throws Exception {
        assertThat(get(null, null)).isEqualTo(Map.of("again", -1L));
    }
}
