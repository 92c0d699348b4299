package dev.comet.guard;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static dev.comet.guard.QueryThrottleTest.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply budget and the pacer keep what they know of an address in one shared entry, and the book forgets an
 * entry only once it holds nothing a new one would not.
 */
class AddressBookTest {
    private final GuardConfig config = GuardConfig.defaults();
    private final AddressBook book = new AddressBook(config.maxTrackedSources());
    private final ReplyBudget replies = new ReplyBudget(config, book, 0);
    private final QueryPacer pacer = new QueryPacer(config, book);

    @Test
    void theBudgetAndThePacerShareOneEntryPerAddress() {
        InetSocketAddress node = at("10.0.0.1", 6881);
        replies.queried(node, 100);
        pacer.reserve(node, 0);
        pacer.repliedTo(node, 0);
        replies.verified(node);
        pacer.answered(node, true, 0);
        assertThat(book.size()).isEqualTo(1);
        assertThat(replies.isVerified(node)).isTrue();
    }

    @Test
    void pruningDropsFullBucketsAndEntriesLeftWithNothing() {
        InetSocketAddress asked = at("10.0.0.1", 6881);
        InetSocketAddress verified = at("10.0.0.2", 6881);
        InetSocketAddress asker = at("10.0.0.3", 6881);
        InetSocketAddress busy = at("10.0.0.4", 6881);
        pacer.reserve(asked, 0);
        replies.verified(verified);
        replies.queried(asker, 100);
        while (pacer.reserve(busy, 0) == 0) {
            // empties busy's bucket
        }
        book.prune(1_000); // one token back in 62 ms, eighty in 5 s
        assertThat(book.find(asked)).as("only a full bucket: a new entry would be the same").isNull();
        assertThat(book.find(verified).verified).isTrue();
        assertThat(book.find(asker).credit).isPositive();
        assertThat(book.find(busy).bucket).as("tokens owed").isNotNull();
        book.prune(3_600_000);
        assertThat(book.find(busy)).as("refilled, and nothing else known").isNull();
        assertThat(book.size()).isEqualTo(2);
    }

    @Test
    void whatTheNodeToldUsOutlivesItsBucket() {
        InetSocketAddress peer = at("10.0.0.1", 6881);
        pacer.reserve(peer, 0);
        pacer.answered(peer, true, 0);
        book.prune(60_000);
        assertThat(book.find(peer).bucket).isNull();
        assertThat(book.find(peer).learnt).isNotZero();
    }

    @Test
    void theBookKeepsAtMostItsLimitTheLeastRecentlyUsedForgottenFirst() {
        AddressBook small = new AddressBook(3);
        for (int i = 1; i <= 4; i++) {
            small.entry(at("10.0.0." + i, 6881)).verified = true;
        }
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.find(at("10.0.0.1", 6881))).isNull();
        assertThat(small.find(at("10.0.0.4", 6881))).isNotNull();
    }
}
