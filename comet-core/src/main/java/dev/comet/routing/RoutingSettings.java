package dev.comet.routing;

/**
 * The settings a {@link RoutingTable} reads (NodeConfig documents each and implements this): declared here so that
 * the routing package does not depend on the core package that uses it.
 */
public interface RoutingSettings {
    /** Bucket size (Kademlia K). */
    int k();

    /** Candidates kept per bucket to replace contacts that go bad. */
    int replacementCacheSize();

    /** Consecutive failed requests after which a contact is bad. */
    int maxFailures();

    /** Silence after which a good contact becomes questionable, in milliseconds. */
    long questionableAfterMillis();

    /** Inactivity after which a bucket is refreshed, in milliseconds. */
    long bucketRefreshMillis();

    /** Longest wait for one attempt of a request, in milliseconds. */
    long requestTimeoutMillis();

    /** Sends of a liveness ping before it counts as failed (how long a ping stays pending). */
    int pingAttempts();

    /** At most one contact per IP address (main table and replacements). */
    default boolean oneContactPerIp() {
        return false;
    }

    /** Only contacts whose id BEP 42 binds to their IP address (or whose address is exempt) enter the table. */
    default boolean bep42RoutingTable() {
        return false;
    }

    /** With {@link #oneContactPerIp()}: a loopback address counts with its port (a loopback cluster shares one IP). */
    default boolean loopbackPerPort() {
        return true;
    }
}
