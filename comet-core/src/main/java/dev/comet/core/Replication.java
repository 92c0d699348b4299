package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.List;

/**
 * Keeps the records this node holds alive on the nodes closest to them, for every {@link ReplicatedKind} alike:
 * republishes each record hourly (with jitter) to the nodes now closest to it, with the lifetime it has left, and
 * hands records to a newly verified contact that is now among their closest (Kademlia's store-on-join). Owns the
 * republish timer. A read-only node hands nothing over and republishes nothing of the kinds that need it to hold
 * records; {@code replicate = false} in the config turns replication off.
 */
final class Replication {
    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final Lookups lookups;
    private final RemoteStore remote;
    private final Transactions transactions;
    private final List<ReplicatedKind<?>> kinds;
    private boolean readOnly;
    private boolean stopped;
    private Environment.Timer republishTimer;

    Replication(Contact self, NodeConfig config, Environment env, RoutingTable table, Lookups lookups,
                RemoteStore remote, Transactions transactions, List<ReplicatedKind<?>> kinds) {
        this.self = self;
        this.config = config;
        this.env = env;
        this.table = table;
        this.lookups = lookups;
        this.remote = remote;
        this.transactions = transactions;
        this.kinds = List.copyOf(kinds);
    }

    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    void start() {
        scheduleRepublish();
    }

    void stop() {
        stopped = true;
        if (republishTimer != null) {
            republishTimer.cancel();
        }
    }

    /**
     * Store-on-join: a newly verified contact gets the records it is now among the closest replicas of (as this
     * node sees them), with their remaining lifetime. Every holder that meets the newcomer sends its copy (a store of
     * a record already held only refreshes it); letting only the closest holder send lost items in the simulator,
     * because holders disagree on who is closest. Records of Comet-only kinds go to Comet contacts only.
     */
    void handOver(Contact newcomer, boolean speaksComet) {
        if (readOnly || !config.replicate()) {
            return;
        }
        for (ReplicatedKind<?> kind : kinds) {
            if (!kind.cometOnly() || speaksComet) {
                handOver(kind, newcomer);
            }
        }
    }

    private <R> void handOver(ReplicatedKind<R> kind, Contact newcomer) {
        long now = env.now();
        for (R record : kind.held(now, config.maxHandOverScan())) {
            if (!kind.leftToTheNode(record)) {
                continue;
            }
            NodeId key = kind.key(record);
            List<Contact> closest = kind.cometOnly() ? table.closestAnsweringComet(key, kind.replicas(record), now)
                    : table.closest(key, kind.replicas(record), now);
            long secondsLeft = (kind.expiresAtMillis(record) - now) / 1000;
            if (!closest.contains(newcomer) || secondsLeft <= 0) {
                continue;
            }
            kind.storeSent();
            remote.storeOn(newcomer, key, kind.storeMethod(), token -> kind.storeArgs(record, token, secondsLeft));
        }
    }

    private void scheduleRepublish() {
        long interval = config.republishIntervalMillis();
        long jitter = interval / 10;
        republishTimer = env.schedule(interval - jitter + env.random().nextLong(2 * jitter + 1), this::republish);
    }

    /**
     * Re-stores every record this node holds on the nodes now closest to it, with the lifetime it has left, so a
     * record outlives the departure of the nodes that first held it but not its own expiry. A replica that already
     * holds it keeps its own copy (for objects: its own state).
     */
    private void republish() {
        if (stopped || !config.replicate()) {
            return;
        }
        for (ReplicatedKind<?> kind : kinds) {
            if (!readOnly || !kind.cometOnly()) {
                republish(kind);
            }
        }
        scheduleRepublish();
    }

    private <R> void republish(ReplicatedKind<R> kind) {
        long now = env.now();
        for (R record : kind.held(now, Integer.MAX_VALUE)) {
            if (!kind.leftToTheNode(record) || kind.expiresAtMillis(record) - now < 1000) {
                continue;
            }
            NodeId key = kind.key(record);
            int replicas = kind.replicas(record);
            lookups.get(key, null, Math.max(config.k(), replicas), kind.cometOnly(), found -> {
                List<Contact> targets = kind.cometOnly() ? found.cometNodes(replicas) : found.lookup().closest();
                // the record as held when the lookup ends (an object's state may have moved on), read once for all
                R latest = kind.current(key, env.now());
                if (latest == null) {
                    return;
                }
                long secondsLeft = (kind.expiresAtMillis(latest) - env.now()) / 1000;
                for (Contact c : targets) {
                    byte[] token = found.tokens().get(c.id());
                    if (c.id().equals(self.id()) || token == null) {
                        continue;
                    }
                    kind.storeSent();
                    transactions.send(c.address(), c.id(), kind.storeMethod(), kind.storeArgs(latest, token, secondsLeft),
                            QueryCallback.IGNORE);
                }
            });
        }
    }
}
