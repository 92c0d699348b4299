package dev.comet.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parses what the peers print: redis-benchmark's CSV and opendht_bench.py's JSON. Stateless. */
public final class PeerOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeerOutputs() {
    }

    /** Ops/s and latency percentiles in microseconds. */
    public record Rpc(double opsPerSecond, long p50Micros, long p99Micros) {
    }

    /** bench items' numbers: put and get latency percentiles in microseconds, and ops/s with C in flight. */
    public record Items(long putP50, long putP99, long getP50, long getP99, double opsPerSecond) {
    }

    /**
     * The first data row of redis-benchmark 7's {@code --csv} output: a header
     * {@code "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",…,"p99_latency_ms",…} then one row per
     * test, every field quoted. Columns are found by name, so their order does not matter.
     */
    public static Rpc redisCsv(String text) {
        List<String> header = null;
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = csvFields(line);
            if (header == null) {
                if (fields.contains("rps")) {
                    header = fields;
                }
                continue;
            }
            if (fields.size() != header.size()) {
                throw bad("redis-benchmark", "a row has " + fields.size() + " fields, the header " + header.size());
            }
            return new Rpc(number(fields, header, "rps", "redis-benchmark"),
                    Math.round(number(fields, header, "p50_latency_ms", "redis-benchmark") * 1000),
                    Math.round(number(fields, header, "p99_latency_ms", "redis-benchmark") * 1000));
        }
        throw bad("redis-benchmark", header == null ? "no CSV header with \"rps\"" : "no data row after the header");
    }

    /** The JSON object opendht_bench.py prints (its last line). */
    public static Items openDhtJson(String text) {
        String[] lines = text.strip().split("\n");
        JsonNode n;
        try {
            n = JSON.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw bad("opendht_bench.py", "not JSON: " + e.getMessage().split("\n")[0]);
        }
        if (n == null || !n.isObject()) {
            throw bad("opendht_bench.py", "not a JSON object");
        }
        return new Items(integer(n, "put_us_p50"), integer(n, "put_us_p99"), integer(n, "get_us_p50"),
                integer(n, "get_us_p99"), requireNumber(n, "ops_per_second"));
    }

    private static long integer(JsonNode n, String field) {
        return Math.round(requireNumber(n, field));
    }

    private static double requireNumber(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw bad("opendht_bench.py", "no number '" + field + "'");
        }
        return v.asDouble();
    }

    private static double number(List<String> row, List<String> header, String column, String what) {
        int i = header.indexOf(column);
        if (i < 0) {
            throw bad(what, "no column '" + column + "'");
        }
        try {
            return Double.parseDouble(row.get(i));
        } catch (NumberFormatException e) {
            throw bad(what, "column '" + column + "' is not a number: '" + row.get(i) + "'");
        }
    }

    /** The fields of one CSV line: comma-separated, each optionally in double quotes ("" inside is a quote). */
    static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    private static CometException bad(String what, String why) {
        return new CometException(ErrorCode.INTERNAL, "cannot read " + what + "'s output: " + why);
    }
}
