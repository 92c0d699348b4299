package dev.comet.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The scan for questionable contacts skips only buckets in which no entry can be questionable: it names exactly the
 * entries a visit of every entry names, also when the clock steps back and entries are seen "earlier" again.
 */
class QuestionableScanTest {
    @Test
    void theScanNamesWhatAVisitOfEveryEntryNames() {
        NodeConfig config = NodeConfig.defaults();
        long quiet = config.questionableAfterMillis();
        for (long seed = 1; seed <= 10; seed++) {
            Random random = new Random(seed);
            RoutingTable table = new RoutingTable(NodeId.random(random), config, 0);
            List<Contact> heard = new ArrayList<>();
            long now = 0;
            int named = 0;
            for (int step = 0; step < 3_000; step++) {
                // time moves on by up to a minute, and one step in fifty the clock is set back by up to half an hour
                now = random.nextInt(50) == 0 ? Math.max(0, now - random.nextInt((int) (2 * quiet)))
                        : now + random.nextInt(60_000);
                int what = random.nextInt(10);
                if (what < 4 || heard.isEmpty()) {
                    Contact c = new Contact(NodeId.random(random),
                            new InetSocketAddress("10." + random.nextInt(200) + "." + random.nextInt(250) + ".1", 6881));
                    heard.add(c);
                    table.heardFrom(c, random.nextBoolean(), true, now);
                } else if (what < 8) {
                    table.heardFrom(heard.get(random.nextInt(heard.size())), random.nextBoolean(), true, now);
                } else if (what < 9) {
                    table.failed(heard.get(random.nextInt(heard.size())).id(), now);
                } else {
                    List<Contact> expected = everyEntryVisited(table, now, quiet);
                    List<Contact> scanned = table.questionableContacts(now);
                    assertThat(scanned).as("seed %d step %d", seed, step).containsExactlyElementsOf(expected);
                    named += scanned.size();
                }
            }
            assertThat(named).as("seed %d: the scans named contacts at all", seed).isPositive();
        }
    }

    /** What the scan must name: every entry that answered once, silent long enough, not pinged recently. */
    private static List<Contact> everyEntryVisited(RoutingTable table, long now, long quiet) {
        List<Contact> out = new ArrayList<>();
        for (int b = 0; b < table.bucketCount(); b++) {
            for (ContactEntry e : table.bucket(b)) {
                if (table.liveness(e, now) == RoutingTable.Liveness.QUESTIONABLE && e.lastResponse >= 0
                        && (e.pingSentAt < 0 || now - e.pingSentAt > quiet)) {
                    out.add(e.contact());
                }
            }
        }
        return out;
    }
}
