package dev.comet.cli.bench;

import dev.comet.CometException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The peers' outputs as bench/peers prints them, captured from real runs (redis-benchmark 7.0.15, OpenDHT 2.4.12). */
class PeerOutputsTest {
    private static final String REDIS = """
            "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            "evalsha bb7cad8b3a0e9214a861659bb8537119bffcde5b 1 seed","16409.58","0.330","0.056","0.167","0.455","2.719","503.295"
            # getCount 50000
            """;

    private static final String OPENDHT = "{\"peer\": \"opendht\", \"nodes\": 20, \"ops\": 50, \"formed_seconds\": 0.06, "
            + "\"put_us_p50\": 1233, \"put_us_p99\": 10663, \"get_us_p50\": 1147, \"get_us_p99\": 10946, "
            + "\"gets_found\": 50, \"in_flight\": 16, \"throughput_ops\": 100, \"ops_per_second\": 737.3}\n";

    @Test
    void redisBenchmarkCsvGivesOpsAndPercentilesInMicroseconds() {
        PeerOutputs.Rpc r = PeerOutputs.redisCsv(REDIS);
        assertThat(r.opsPerSecond()).isEqualTo(16409.58);
        assertThat(r.p50Micros()).isEqualTo(167);
        assertThat(r.p99Micros()).isEqualTo(2719);
    }

    @Test
    void redisColumnsAreFoundByName() {
        String reordered = "\"p99_latency_ms\",\"test\",\"p50_latency_ms\",\"rps\"\n\"1.5\",\"x, y\",\"0.25\",\"100\"\n";
        PeerOutputs.Rpc r = PeerOutputs.redisCsv(reordered);
        assertThat(r.opsPerSecond()).isEqualTo(100);
        assertThat(r.p50Micros()).isEqualTo(250);
        assertThat(r.p99Micros()).isEqualTo(1500);
    }

    @Test
    void csvFieldsKeepQuotedCommasAndQuotes() {
        assertThat(PeerOutputs.csvFields("\"a,b\",\"c\"\"d\",e")).isEqualTo(List.of("a,b", "c\"d", "e"));
    }

    @Test
    void redisOutputWithoutNumbersIsAClearError() {
        assertThatThrownBy(() -> PeerOutputs.redisCsv("")).isInstanceOf(CometException.class)
                .hasMessageContaining("redis-benchmark").hasMessageContaining("no CSV header");
        assertThatThrownBy(() -> PeerOutputs.redisCsv("\"test\",\"rps\"\n")).isInstanceOf(CometException.class)
                .hasMessageContaining("no data row");
        assertThatThrownBy(() -> PeerOutputs.redisCsv("\"test\",\"rps\",\"p50_latency_ms\",\"p99_latency_ms\"\n\"x\",\"fast\",\"1\",\"2\"\n"))
                .isInstanceOf(CometException.class).hasMessageContaining("'rps' is not a number");
    }

    @Test
    void openDhtJsonGivesTheItemsNumbers() {
        PeerOutputs.Items i = PeerOutputs.openDhtJson("some log line\n" + OPENDHT);
        assertThat(i.putP50()).isEqualTo(1233);
        assertThat(i.putP99()).isEqualTo(10663);
        assertThat(i.getP50()).isEqualTo(1147);
        assertThat(i.getP99()).isEqualTo(10946);
        assertThat(i.opsPerSecond()).isEqualTo(737.3);
    }

    @Test
    void openDhtOutputWithoutNumbersIsAClearError() {
        assertThatThrownBy(() -> PeerOutputs.openDhtJson("opendht: the network did not form"))
                .isInstanceOf(CometException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> PeerOutputs.openDhtJson("{\"put_us_p50\": \"x\"}"))
                .isInstanceOf(CometException.class).hasMessageContaining("put_us_p50");
    }

    @Test
    void compareTableRatiosAndMissingNumbers() {
        CompareTable t = new CompareTable();
        t.add("s", "Redis", "ops/s", true, 50.0, 100.0, null);
        t.add("s", "Redis", "p50 us", false, 10.0, null, "peer not installed");
        assertThat(t.rows().get(0).ratio()).isEqualTo(0.5);
        assertThat(t.rows().get(1).ratio()).isNull();
        assertThat(t.missing(false)).isEmpty();
        assertThat(t.missing(true)).containsExactly("s p50 us (Redis)");
        assertThat(t.format()).contains("0.50").contains("peer not installed");
    }
}
