package dev.comet.guard;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The pacer of our own queries: a stranger's, a Mainline node's and a Comet peer's allowance, each at 80 %. */
class QueryPacerTest {
    private static final GuardConfig DEFAULTS = GuardConfig.defaults();
    private final InetSocketAddress peer = new InetSocketAddress("10.0.0.1", 6881);

    private static int sentAtOnce(QueryPacer pacer, InetSocketAddress to, long now) {
        int sent = 0;
        while (pacer.reserve(to, now) == 0) {
            sent++;
        }
        return sent;
    }

    @Test
    void aStrangerGetsEightyPercentOfAStrangersBurstThenItsRate() {
        QueryPacer pacer = new QueryPacer(DEFAULTS);
        assertThat(sentAtOnce(pacer, peer, 0)).isEqualTo((int) (0.8 * DEFAULTS.queryBurst()));
        long wait = pacer.reserve(peer, 0);
        assertThat(wait).isEqualTo((long) Math.ceil(1000 / (0.8 * DEFAULTS.queriesPerSecond())));
        assertThat(sentAtOnce(pacer, peer, 1000)).isEqualTo((int) (0.8 * DEFAULTS.queriesPerSecond()));
    }

    @Test
    void aCometNodeThatAnsweredUsAndThatWeAnsweredGetsThePeerRateWithoutANewBurst() {
        QueryPacer pacer = new QueryPacer(DEFAULTS);
        sentAtOnce(pacer, peer, 0);
        pacer.answered(peer, true, 0);
        assertThat(pacer.reserve(peer, 0)).as("answered us, but does not know our address is real yet").isPositive();
        pacer.repliedTo(peer, 0);
        assertThat(pacer.reserve(peer, 0)).as("the tokens left, not a new burst").isPositive();
        assertThat(sentAtOnce(pacer, peer, 1000)).isEqualTo((int) (0.8 * DEFAULTS.peerQueriesPerSecond()));
        assertThat(sentAtOnce(pacer, peer, 10_000)).isEqualTo((int) (0.8 * DEFAULTS.peerQueryBurst()));
        assertThat(pacer.maxWaiting(peer, 1000, 10_000)).isEqualTo((int) (0.8 * DEFAULTS.peerQueriesPerSecond()));
    }

    @Test
    void aMainlineNodeGetsLessThanLibtorrentsFiveQueriesASecond() {
        QueryPacer pacer = new QueryPacer(GuardConfig.relaxed());
        pacer.answered(peer, false, 0);
        pacer.repliedTo(peer, 0);
        sentAtOnce(pacer, peer, 0);
        assertThat(sentAtOnce(pacer, peer, 10_000)).isEqualTo((int) QueryPacer.FOREIGN_BURST);
        assertThat(sentAtOnce(pacer, peer, 11_000)).isEqualTo((int) QueryPacer.FOREIGN_PER_SECOND);
    }

    @Test
    void destinationsArePacedApart() {
        QueryPacer pacer = new QueryPacer(DEFAULTS);
        sentAtOnce(pacer, peer, 0);
        assertThat(pacer.reserve(new InetSocketAddress("10.0.0.2", 6881), 0)).isZero();
    }

    @Test
    void anIdleDestinationIsForgottenButWhatItToldUsIsKept() {
        QueryPacer pacer = new QueryPacer(DEFAULTS);
        pacer.reserve(peer, 0);
        pacer.answered(peer, true, 0);
        pacer.repliedTo(peer, 0);
        InetSocketAddress stranger = new InetSocketAddress("10.0.0.3", 6881);
        pacer.reserve(stranger, 0);
        pacer.prune(0);
        pacer.prune(60_000); // both buckets full again
        assertThat(sentAtOnce(pacer, peer, 60_000)).as("still a Comet peer").isEqualTo((int) (0.8 * DEFAULTS.peerQueryBurst()));
        assertThat(sentAtOnce(pacer, stranger, 60_000)).isEqualTo((int) (0.8 * DEFAULTS.queryBurst()));
    }

    @Test
    void aDestinationWithTokensOwedIsNotForgotten() {
        QueryPacer pacer = new QueryPacer(DEFAULTS);
        sentAtOnce(pacer, peer, 0);
        pacer.prune(10);
        assertThat(pacer.reserve(peer, 10)).as("its empty bucket is kept").isPositive();
    }
}
