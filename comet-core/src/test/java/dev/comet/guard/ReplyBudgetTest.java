package dev.comet.guard;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static dev.comet.guard.QueryThrottleTest.at;
import static org.assertj.core.api.Assertions.assertThat;

/** No amplification towards unverified addresses, and the global reply bytes a second. */
class ReplyBudgetTest {
    private final GuardConfig config = GuardConfig.defaults();
    private final ReplyBudget budget = new ReplyBudget(config, 0);
    private final InetSocketAddress asker = at("10.0.0.1", 6881);

    @Test
    void aStandardSizedReplyAlwaysGoes() {
        budget.queried(asker, 60);
        assertThat(budget.mayReply(asker, config.replyFloorBytes(), 0)).isEqualTo(ReplyBudget.Verdict.SEND);
    }

    @Test
    void aLargeReplyToAnUnverifiedAddressIsRefusedUnlessItsQueriesEarnedIt() {
        budget.queried(asker, 200);
        assertThat(budget.mayReply(asker, 8_000, 0)).isEqualTo(ReplyBudget.Verdict.TOO_LARGE_UNVERIFIED);
        assertThat(budget.refusedUnverified()).isEqualTo(1);
        // a large query earns a large reply: replyFactor bytes per byte
        budget.queried(asker, 3_000);
        assertThat(budget.mayReply(asker, 3 * 3_200, 0)).isEqualTo(ReplyBudget.Verdict.SEND);
        assertThat(budget.mayReply(asker, 2_000, 0)).as("the credit was spent").isEqualTo(ReplyBudget.Verdict.TOO_LARGE_UNVERIFIED);
    }

    @Test
    void anAddressThatAnsweredUsGetsRepliesOfAnySize() {
        budget.verified(asker);
        assertThat(budget.mayReply(asker, 16_000, 0)).isEqualTo(ReplyBudget.Verdict.SEND);
        assertThat(budget.isVerified(at("10.0.0.1", 6882))).as("another port is another address").isFalse();
    }

    @Test
    void allRepliesTogetherStayUnderTheGlobalBytesASecond() {
        GuardConfig small = new GuardConfig(100, 20, 1_000, 500, 4_000, 100, 60_000, 60_000, 3, 1_400, 10_000, 1_000, true, true, true, false, 1, 25);
        ReplyBudget global = new ReplyBudget(small, 0);
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            if (global.mayReply(at("10.0.2." + i, 6881), 1_000, 0) == ReplyBudget.Verdict.SEND) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(10);
        assertThat(global.droppedGlobal()).isEqualTo(10);
        assertThat(global.mayReply(at("10.0.2.1", 6881), 1_000, 100)).isEqualTo(ReplyBudget.Verdict.SEND);
    }
}
