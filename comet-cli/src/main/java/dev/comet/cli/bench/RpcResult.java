package dev.comet.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of {@link RpcLoad} measured (immutable): answered queries per second and their latency, plus the
 * queries that got an error or unexpected answer and those that got none within {@link RpcLoad#TIMEOUT_NANOS}.
 */
public record RpcResult(String method, String mode, int concurrency, double rate, double seconds, long ok, long errors,
                        long timeouts, String firstError, Latencies latencies) {

    public double opsPerSecond() {
        return seconds <= 0 ? 0 : ok / seconds;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("method", method);
        r.put("mode", mode);
        if ("closed".equals(mode)) {
            r.put("concurrency", concurrency);
        } else {
            r.put("rate", rate);
        }
        r.put("seconds", seconds);
        r.put("ok", ok);
        r.put("ops_per_second", Math.round(opsPerSecond()));
        r.put("p50_us", latencies.percentile(50));
        r.put("p99_us", latencies.percentile(99));
        r.put("p999_us", latencies.percentile(99.9));
        r.put("max_us", latencies.max());
        r.put("errors", errors);
        r.put("timeouts", timeouts);
        if (firstError != null) {
            r.put("first_error", firstError);
        }
        return r;
    }
}
