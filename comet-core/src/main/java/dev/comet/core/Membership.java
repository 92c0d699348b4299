package dev.comet.core;

import dev.comet.CometException;
import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import dev.comet.routing.ContactEntry;
import dev.comet.routing.RoutingTable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the node finds and keeps its place in the network: it learns contacts from every message into the
 * {@link RoutingTable}, verifies second-hand contacts while the table is young, joins through bootstrap addresses
 * (self lookup, then a lookup per bucket that is not full: a few minutes later for a newcomer that knows K live
 * nodes by then), rejoins while it knows fewer than K nodes or no live one, and keeps the table fresh (bucket
 * refresh, pings of questionable contacts, now and then of a bad one, and a lookup of its own id through one that
 * is back). Owns the bootstrap addresses, the contacts being verified, the join state, the maintenance, bootstrap
 * and bucket-fill timers, and when a bad contact was last pinged or looked through. Tells its {@link Listener} of
 * every contact newly verified (where replication hands over records) and of every maintenance tick.
 */
final class Membership {
    /** Second-hand contacts pinged at once before they may enter the table. */
    private static final int MAX_VERIFYING = 16;
    /**
     * A join round that leaves the table with fewer than K contacts also looks up a random id in each sibling subtree
     * of the id space down to this depth (the first halves, quarters, ...: 2^8 regions, beyond a 1,000-node network's
     * bucket count).
     */
    private static final int SPREAD_LEVELS = 8;

    /** Hears what membership learns. */
    interface Listener {
        /** {@code contact} answered us for the first time since it entered the table. */
        void verified(Contact contact, boolean speaksComet);

        /** The periodic maintenance runs now (storage upkeep rides on it). */
        void maintenance(long now);

        /** The node the table knew at {@code address} as {@code old} answered with another id. */
        void idChanged(InetSocketAddress address, NodeId old);
    }

    private final NodeId id;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final Transactions transactions;
    private final Lookups lookups;
    private final Listener listener;
    private final Set<NodeId> verifying = new HashSet<>();
    private final List<Runnable> readyListeners = new ArrayList<>();
    private final List<InetSocketAddress> bootstrapAddresses = new ArrayList<>();
    private boolean stopped;
    private boolean bootstrapping;
    private boolean ready;
    private long rejoinDelayMillis;
    private Environment.Timer maintenanceTimer;
    private Environment.Timer bootstrapTimer;
    private Environment.Timer fillTimer;
    /** When a bad entry was last asked whether it is back, and when a lookup last went through one that was. */
    private long revivalPingAt = Long.MIN_VALUE / 2;
    private long revivalLookupAt = Long.MIN_VALUE / 2;

    Membership(NodeId id, NodeConfig config, Environment env, RoutingTable table, Transactions transactions,
               Lookups lookups, Listener listener) {
        this.id = id;
        this.config = config;
        this.env = env;
        this.table = table;
        this.transactions = transactions;
        this.lookups = lookups;
        this.listener = listener;
    }

    /** Starts maintenance; {@link #join} follows once the other parts have started. */
    void startMaintenance() {
        scheduleMaintenance();
    }

    /** Joins the network through {@code bootstrap}; with none, the node is the first of its network and ready. */
    void join(Collection<InetSocketAddress> bootstrap) {
        bootstrapAddresses.addAll(bootstrap);
        bootstrap();
    }

    void stop() {
        stopped = true;
        if (maintenanceTimer != null) {
            maintenanceTimer.cancel();
        }
        if (bootstrapTimer != null) {
            bootstrapTimer.cancel();
        }
        if (fillTimer != null) {
            fillTimer.cancel();
        }
    }

    boolean isReady() {
        return ready;
    }

    void whenReady(Runnable listener) {
        if (ready) {
            listener.run();
        } else {
            readyListeners.add(listener);
        }
    }

    /**
     * A message from {@code contact}: an answer to our query ({@code responded}) or a query of its own. An answer
     * from a contact the table did not hold as verified tells the listener.
     */
    void heardFrom(Contact contact, boolean responded, byte[] version) {
        boolean comet = CometNodes.counts(contact, version, config.guard());
        ContactEntry before = responded ? table.entry(contact.id()) : null;
        // a contact the table holds at this very address is the one id its address's source holds: nothing to ask
        NodeId old = responded && (before == null || !before.isAt(contact)) ? table.idAt(contact.address()) : null;
        if (old != null && !old.equals(contact.id())) {
            // an answer with another id from the address of a known contact: its node changed its id
            listener.idChanged(contact.address(), old);
            table.remove(old);
            return;
        }
        boolean wasVerified = before != null && before.lastResponse() >= 0;
        boolean revived = before != null && before.isAt(contact)
                && table.liveness(before, env.now()) == RoutingTable.Liveness.BAD;
        Contact toPing = table.heardFrom(contact, responded, comet, env.now());
        if (toPing != null) {
            ping(toPing);
        }
        if (revived) {
            lookUpSelfThrough(contact);
        }
        if (responded && !wasVerified && table.entry(contact.id()) != null) {
            listener.verified(contact, comet);
        }
    }

    /**
     * A contact that had gone bad answers again: the part of the network it is in may be one this node lost (a
     * partition healed, or this node was cut off), and this node's table, refilled meanwhile from what it could
     * reach, would keep its lookups out of that part. A lookup of its own id that starts from that contact alone walks
     * that part to the nodes nearest this one there, which hear of it (and hand it the records it is now among the
     * closest for); at most one a questionable period.
     */
    private void lookUpSelfThrough(Contact revived) {
        long now = env.now();
        if (stopped || now - revivalLookupAt < config.questionableAfterMillis()) {
            return;
        }
        revivalLookupAt = now;
        lookups.findNodeThrough(id, revived, result -> { });
    }

    /** The node {@code id} is gone or banned: it leaves the table now. */
    void forget(NodeId goneId) {
        table.remove(goneId);
    }

    /** The node {@code id} failed to answer. */
    void failed(NodeId failedId) {
        Contact toPing = table.failed(failedId, env.now());
        if (toPing != null) {
            ping(toPing); // a replacement that only queried us, verified for the place of one gone bad
        }
    }

    /**
     * While this node knows fewer than K others, pings contacts heard of second hand whose buckets have room: only
     * contacts that answered us enter the table, and without this a node of a young network would never meet the
     * nodes its lookups did not need to ask. Past K the table fills from traffic as usual (measured: verifying
     * always made lookups converge on fewer answers, mean overlap after killing 20 % fell from 0.99 to 0.95).
     */
    void verifyNewcomers(List<Contact> heardOf) {
        if (table.size() >= config.k()) {
            return;
        }
        for (Contact c : heardOf) {
            if (verifying.size() >= MAX_VERIFYING) {
                return;
            }
            if (table.wants(c.id()) && verifying.add(c.id())) {
                transactions.ping(c.address(), c.id(), id, new QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        verifying.remove(c.id());
                    }

                    @Override
                    public void onFailure() {
                        verifying.remove(c.id());
                    }
                });
            }
        }
    }

    private void ping(Contact contact) {
        transactions.ping(contact.address(), contact.id(), id, QueryCallback.IGNORE);
    }

    private void bootstrap() {
        if (stopped) {
            return;
        }
        if (bootstrapAddresses.isEmpty()) {
            becomeReady();
            return;
        }
        if (ready && knowsALiveNode()) {
            // a rejoin whose bootstrap nodes were silent ends once the node hears from anyone again
            bootstrapping = false;
            return;
        }
        bootstrapping = true;
        boolean[] joined = {false};
        Countdown silent = new Countdown(bootstrapAddresses.size(), () -> {
            if (!joined[0]) {
                // nobody answered: try again later; a node that never joined is not ready
                bootstrapTimer = env.schedule(config.bootstrapRetryMillis(), this::bootstrap);
            }
        });
        for (InetSocketAddress address : bootstrapAddresses) {
            transactions.send(address, null, "find_node", Dict.builder().put("id", id).put("target", id).build(),
                    new QueryCallback() {
                        @Override
                        public void onResponse(Contact from, KrpcResponse response) {
                            if (!joined[0]) {
                                joined[0] = true;
                                joinThroughSelfLookup(named(response));
                            }
                            silent.countDown();
                        }

                        @Override
                        public void onFailure() {
                            silent.countDown();
                        }
                    });
        }
    }

    /**
     * The nodes a bootstrap node named: the self lookup starts from them too. Started from the table alone, which held
     * only the bootstrap node, a newcomer whose bootstrap node left just after answering ended its join knowing
     * nobody (a malformed list names nobody: the bootstrap node itself is still asked).
     */
    private List<Contact> named(KrpcResponse response) {
        try {
            return env.contacts(CompactInfo.nodesIn(response.values()));
        } catch (CometException e) {
            return List.of();
        }
    }

    /**
     * Self lookup, then one lookup for each bucket that is not full: how a new node fills its table. A newcomer the
     * self lookup already taught K live contacts has joined; it fills its buckets {@code joinFillDelayMillis} later,
     * those still not full then, so that one that leaves sooner never sends those lookups (docs/performance.md). A
     * node joining again (cut off, or in a network too young to know K) fills at once: its table needs them now.
     */
    private void joinThroughSelfLookup(List<Contact> named) {
        lookups.findNode(id, named, self -> {
            // live contacts, not the table's size: bad entries stay in it until something replaces them
            if (!ready && config.joinFillDelayMillis() > 0
                    && table.closestResponsive(id, config.k(), env.now()).size() >= config.k()) {
                joined();
                if (ready) {
                    if (fillTimer != null) {
                        fillTimer.cancel();
                    }
                    fillTimer = env.schedule(config.joinFillDelayMillis(), () -> fillBuckets(() -> { }));
                }
                return;
            }
            List<NodeId> targets = new ArrayList<>(table.refreshTargets(env.now(), true, env.random()));
            if (table.size() < config.k()) {
                // the nodes named near its own id had mostly left (the bootstrap node's bucket there had gone stale:
                // in the soak, a newcomer that met only those ended up knowing only its bootstrap node, and a dozen
                // newcomers later joined through it): ask for each sibling subtree the table has not split into,
                // where the same nodes name other contacts
                for (int level = table.bucketCount() - 1; level < SPREAD_LEVELS; level++) {
                    targets.add(id.randomWithSharedPrefix(level, env.random()));
                }
            }
            Countdown refreshed = new Countdown(targets.size(), this::joined);
            for (NodeId target : targets) {
                lookups.findNode(target, result -> refreshed.countDown());
            }
        });
    }

    /**
     * The delayed part of a join: a lookup for each bucket still not full, then {@code done}. Its timer calls it
     * {@code joinFillDelayMillis} after the join; nodes started together that all stay (a local cluster) call it once
     * all have joined, which teaches each table the nodes that joined after it, and cancels the timer. A join round
     * under way fills the buckets itself.
     */
    void fillBuckets(Runnable done) {
        if (fillTimer != null) {
            fillTimer.cancel();
            fillTimer = null;
        }
        if (stopped || bootstrapping) {
            done.run();
        } else {
            refreshBuckets(true, done);
        }
    }

    /**
     * A lookup for each bucket idle too long, and with {@code underfilledToo} each one not full; {@code done} runs
     * when the last has finished.
     */
    private void refreshBuckets(boolean underfilledToo, Runnable done) {
        List<NodeId> targets = table.refreshTargets(env.now(), underfilledToo, env.random());
        Countdown refreshed = new Countdown(targets.size(), done);
        for (NodeId target : targets) {
            lookups.findNode(target, result -> refreshed.countDown());
        }
    }

    /**
     * A join round is over. A node that joined a young network may know fewer than K others: it repeats the round
     * with a growing pause (bootstrap retry interval, doubling up to the maintenance interval) until it knows K,
     * instead of waiting for the 15-minute bucket refresh.
     */
    private void joined() {
        if (!ready && !knowsALiveNode()) {
            // everyone it reached left before answering again: a node that knows nobody has not joined, and a
            // newcomer bootstrapping through it would form an island with it that no lookup of the rest ever reaches
            // (such islands grew to 36 nodes in the 1,000-node soak, seed 2, and their gets missed). It is still
            // bootstrapping, so maintenance starts no second round beside this one
            bootstrapTimer = env.schedule(config.bootstrapRetryMillis(), this::bootstrap);
            return;
        }
        bootstrapping = false;
        becomeReady();
        if (table.size() < config.k() && !stopped) {
            rejoinDelayMillis = rejoinDelayMillis == 0 ? config.bootstrapRetryMillis()
                    : Math.min(2 * rejoinDelayMillis, config.maintenanceIntervalMillis());
            bootstrapTimer = env.schedule(rejoinDelayMillis, () -> {
                if (!stopped && !bootstrapping && table.size() < config.k()) {
                    bootstrapping = true;
                    joinThroughSelfLookup(List.of());
                }
            });
        }
    }

    /** True when a contact of the table has answered and its last query did not fail. */
    private boolean knowsALiveNode() {
        return !table.closestResponsive(id, 1, env.now()).isEmpty();
    }

    private void becomeReady() {
        if (ready) {
            return;
        }
        ready = true;
        List<Runnable> listeners = new ArrayList<>(readyListeners);
        readyListeners.clear();
        for (Runnable r : listeners) {
            r.run();
        }
    }

    private void scheduleMaintenance() {
        // jitter spreads the maintenance of many nodes started together
        long delay = config.maintenanceIntervalMillis() / 2 + env.random().nextLong(config.maintenanceIntervalMillis());
        maintenanceTimer = env.schedule(delay, this::maintain);
    }

    private void maintain() {
        if (stopped) {
            return;
        }
        long now = env.now();
        listener.maintenance(now);
        if (!knowsALiveNode() && !bootstrapping && !bootstrapAddresses.isEmpty()) {
            // every contact failed its last query (all left, or this host was cut off for a while): join again
            bootstrap();
        } else if (!bootstrapping) {
            refreshBuckets(false, () -> { });
            for (Contact c : table.questionableContacts(now)) {
                ping(c);
            }
            if (now - revivalPingAt >= config.questionableAfterMillis()) {
                // one bad entry a questionable period is asked whether it is back (it answers: lookUpSelfThrough)
                revivalPingAt = now;
                Contact bad = table.randomBadContact(now, env.random());
                if (bad != null) {
                    ping(bad);
                }
            }
        }
        scheduleMaintenance();
    }
}
