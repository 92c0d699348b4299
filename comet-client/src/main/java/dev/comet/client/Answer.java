package dev.comet.client;

/**
 * One replica's answer to a get: the node ({@code ip:port}) and what its {@code onGet} returned as a plain value
 * (string, number, list, map; null for nil), or the error its handler ended with ({@code value} is then null).
 */
public record Answer(String node, Object value, String error) {
    /** True when the handler answered rather than failed. */
    public boolean ok() {
        return error == null;
    }
}
