package dev.comet.client;

/**
 * A node as {@code GET /v1/node} shows it: id, UDP address, seconds since its gateway started, routing table
 * summary and store usage.
 */
public record NodeStatus(String id, String address, long uptimeSeconds, Routing routing, Storage store) {
    /** The routing table: contacts, of which speak Comet, and buckets. */
    public record Routing(int contacts, int cometContacts, int buckets) {
    }

    /** The store: records and bytes held, and the quota. */
    public record Storage(long records, long bytes, long maxRecords, long maxBytes) {
    }
}
