package dev.comet.sim;

import dev.comet.ErrorCode;
import dev.comet.CometError;
import dev.comet.core.WriteOutcome;
import dev.comet.items.Ed25519;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.sim.FaultRecords.Rec;
import dev.comet.sim.Simulation.SimNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14, clock skew: every host's clock ahead of the network's time by 0 to 6 minutes (so two nodes differ by up
 * to 6, 3 either way of their mean, past the 5-minute window of signed owner requests; less than the 5-minute token rotation's two periods
 * and far less than the records' 90-minute lifetime). Puts, gets, the hourly republish and expiry still work: records
 * are found after 70 minutes and every copy is gone within the lifetime plus the skew. A signed request from a node
 * whose clock is past the window is refused with 344, one within it accepted.
 */
class ClockSkewSimTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();
    private static final long SKEW_MILLIS = 3 * 60_000;
    private static final long TTL_SECONDS = 90 * 60;

    @Test
    void recordsAreRepublishedAndExpireWithinTheirLifetimePlusTheSkew() {
        Simulation sim = new Simulation(SimConfig.of(100, 0, SEED).withClockSkew(SKEW_MILLIS));
        sim.buildAndSettle();
        SimNetwork network = sim.network();
        long[] offsets = sim.liveNodes().stream().mapToLong(n -> n.host().clockOffsetMillis()).sorted().toArray();
        FaultRecords records = new FaultRecords(sim, TTL_SECONDS);
        List<Rec> put = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            put.add(records.put(sim.randomReadyNode(), "skewed record " + i + " of seed " + SEED, i % 2 == 0, 1));
        }
        long putAt = network.now();
        assertThat(records.awaitCallbacks(10 * 60_000)).as("seed %d", SEED).isTrue();
        assertThat(records.acknowledged()).as("seed %d", SEED).hasSize(20);

        network.runUntil(putAt + 70 * 60_000);
        Map<String, Object> reads = records.readAll(records.acknowledged(), sim.liveNodes(), 10, 10 * 60_000, "");
        // the copies' own clocks decide when they go: from the lifetime minus the skew on, until it plus the skew
        network.runUntil(putAt + TTL_SECONDS * 1000 - SKEW_MILLIS - 60_000);
        int stillHeldBeforeExpiry = (int) records.copies(put).stream().filter(c -> c > 0).count();
        long lastCopyGone = 0;
        while (records.copies(put).stream().anyMatch(c -> c > 0) && network.now() < putAt + 3 * TTL_SECONDS * 1000) {
            network.runUntil(network.now() + 10_000);
            lastCopyGone = network.now() - putAt;
        }
        System.out.printf("clock skew: offsets %d..%d ms, reads %s, held before expiry %d of 20, last copy gone %d s "
                + "after the put (lifetime %d s, seed %d)%n", offsets[0], offsets[offsets.length - 1], reads,
                stillHeldBeforeExpiry, lastCopyGone / 1000, TTL_SECONDS, SEED);
        assertThat(offsets[offsets.length - 1] - offsets[0]).as("seed %d", SEED).isGreaterThan(5 * 60_000L);
        assertThat(reads.get("reads_found")).as("seed %d: %s", SEED, reads).isEqualTo(200);
        assertThat(stillHeldBeforeExpiry).as("seed %d", SEED).isEqualTo(20);
        assertThat(lastCopyGone).as("seed %d", SEED).isLessThanOrEqualTo(TTL_SECONDS * 1000 + SKEW_MILLIS + 60_000);
    }

    @Test
    void aSignedRequestFromAClockPastTheWindowIsRefusedWith344AndOneWithinItIsAccepted() {
        Simulation sim = new Simulation(SimConfig.of(50, 0, SEED));
        sim.buildAndSettle();
        SimNetwork network = sim.network();
        Ed25519.RawKeyPair owner = Ed25519.fromSeed(new byte[Ed25519.SEED_BYTES]);
        byte[] code = "aso.value = 'owned'\n".getBytes(StandardCharsets.UTF_8);
        ObjectSignature signature = ObjectSignature.sign(owner, "skew".getBytes(StandardCharsets.UTF_8), 1, code);
        WriteOutcome[] outcome = new WriteOutcome[1];
        sim.randomReadyNode().node().putSignedObject(code, signature, 8, 3600, o -> outcome[0] = o);
        network.runUntil(() -> outcome[0] != null, network.now() + 600_000);
        assertThat(outcome[0].accepted()).as("seed %d", SEED).isNotEmpty();

        SimNode client = sim.randomReadyNode();
        WriteOutcome pastWindow = delete(sim, client, owner, signature, 6 * 60_000, 1);
        assertThat(pastWindow.accepted()).as("seed %d: %s", SEED, pastWindow).isEmpty();
        assertThat(pastWindow.refused().values()).as("seed %d", SEED).isNotEmpty()
                .extracting(CometError::code).containsOnly(ErrorCode.REQUEST_OUTSIDE_WINDOW);
        WriteOutcome withinWindow = delete(sim, client, owner, signature, 4 * 60_000, 2);
        assertThat(withinWindow.accepted()).as("seed %d: %s", SEED, withinWindow).isNotEmpty();
        assertThat(withinWindow.refused()).as("seed %d", SEED).isEmpty();
    }

    /** A delete the owner signs on {@code client}, whose clock is set {@code skewMillis} ahead of the network's. */
    private static WriteOutcome delete(Simulation sim, SimNode client, Ed25519.RawKeyPair owner,
                                       ObjectSignature signature, long skewMillis, int nonce) {
        client.host().skewClock(skewMillis);
        byte[] nonceBytes = new byte[OwnerRequest.MIN_NONCE_BYTES];
        nonceBytes[0] = (byte) nonce;
        OwnerRequest request = OwnerRequest.sign(owner, OwnerRequest.DELETE, signature.key(), client.host().now(),
                nonceBytes);
        WriteOutcome[] outcome = new WriteOutcome[1];
        client.node().deleteObject(signature.key(), request, o -> outcome[0] = o);
        sim.network().runUntil(() -> outcome[0] != null, sim.network().now() + 600_000);
        assertThat(outcome[0]).as("seed %d: the delete called back", SEED).isNotNull();
        return outcome[0];
    }
}
