package dev.comet.routing;

/**
 * The settings a {@link RoutingTable} runs with (the node's config hands them over; documented there).
 *
 * @param k                       bucket size
 * @param replacementCacheSize    candidates kept per bucket to replace nodes that go bad
 * @param maxFailures             consecutive failed requests after which a contact is bad
 * @param questionableAfterMillis silence after which a good contact becomes questionable
 * @param bucketRefreshMillis     a bucket with no activity this long is refreshed by a lookup
 * @param pingPatienceMillis      how long a ping of a questionable contact may stay unanswered before another is sent
 */
public record RoutingSettings(int k, int replacementCacheSize, int maxFailures, long questionableAfterMillis,
                              long bucketRefreshMillis, long pingPatienceMillis) {
}
