package dev.comet.runtime;

import dev.comet.core.NodeConfig;
import dev.comet.lookup.LookupResult;
import dev.comet.routing.Contact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Twenty real nodes on 127.0.0.1 in one JVM, on free ports. */
class LoopbackClusterTest {
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(20, 0, NodeConfig.defaults());
        cluster.awaitFormed(30_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodeFindsEveryOtherByLookup() throws Exception {
        List<UdpNode> nodes = cluster.nodes();
        for (UdpNode from : nodes) {
            List<CompletableFuture<LookupResult>> lookups = new ArrayList<>();
            for (UdpNode to : nodes) {
                if (to != from) {
                    lookups.add(from.lookup(to.id()));
                }
            }
            int i = 0;
            for (UdpNode to : nodes) {
                if (to == from) {
                    continue;
                }
                LookupResult result = lookups.get(i++).get(30, TimeUnit.SECONDS);
                assertThat(result.closest()).as("lookup from %s for %s", from.address(), to.address())
                        .isNotEmpty();
                Contact closest = result.closest().get(0);
                assertThat(closest.id()).as("lookup from %s for %s", from.address(), to.address()).isEqualTo(to.id());
                assertThat(closest.address()).isEqualTo(to.address());
            }
        }
    }

    @Test
    void selfTestJudgesLookupsAgainstTheWholeCluster() {
        Map<String, Object> report = cluster.selfTest(100, 8, 7);
        assertThat(report.get("lookups")).isEqualTo(100);
        assertThat((double) report.get("success_rate")).isEqualTo(1.0);
        assertThat((double) report.get("mean_overlap")).isEqualTo(1.0);
    }
}
