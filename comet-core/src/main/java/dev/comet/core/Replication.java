package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.ErrorCode;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the records this node holds alive on the nodes closest to them, for every {@link ReplicatedKind} alike:
 * republishes each record hourly (with jitter) to the nodes now closest to it, with the lifetime it has left, and
 * hands records to a newly verified contact that is now among their closest (Kademlia's store-on-join). A holder of a
 * kind that {@link HandedOffKind hands off} that finds itself beyond the closest {@code n} plus
 * {@code objects.handOffMargin} stores the record on the closest {@code n}, and drops its copy once all of them have
 * confirmed (replica hygiene). Owns the republish and check timers, the keys whose republish is under way, and the
 * replication counters ({@link ReplicationStats}). A read-only node hands nothing over and republishes nothing of the
 * kinds that need it to hold records; {@code replicate = false} in the config turns replication off.
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
    /** Per kind, the keys whose republish (lookup, stores, perhaps a drop) is under way: one at a time per record. */
    private final Map<ReplicatedKind<?>, Set<NodeId>> underWay = new HashMap<>();
    private final int margin;
    private boolean readOnly;
    private boolean stopped;
    private Environment.Timer republishTimer;
    private Environment.Timer checkTimer;
    private long rounds;
    private long roundLookupMessages;
    private long roundStores;
    private long handOvers;

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
        this.margin = config.objects().handOffMargin();
        for (ReplicatedKind<?> kind : this.kinds) {
            underWay.put(kind, new HashSet<>());
        }
    }

    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    void start() {
        scheduleRepublish();
        scheduleCheck();
    }

    void stop() {
        stopped = true;
        if (republishTimer != null) {
            republishTimer.cancel();
        }
        if (checkTimer != null) {
            checkTimer.cancel();
        }
    }

    /**
     * Store-on-join: a newly verified contact gets the records it is now among the closest replicas of (as this
     * node sees them), with their remaining lifetime. Every holder that meets the newcomer sends its copy (a store of
     * a record already held only refreshes it); letting only the closest holder send lost items in the simulator,
     * because holders disagree on who is closest. Records of Comet-only kinds go to Comet contacts only.
     */
    void handOver(Contact newcomer, boolean speaksComet) {
        if (readOnly || !config.replicate() || holdsNothing()) {
            return;
        }
        // a quarter of the newcomer's burst at once (if it runs our defaults), in the order found; the rest paced
        List<Runnable> later = new ArrayList<>();
        Consumer<Runnable> stores = firstBurst(later);
        for (ReplicatedKind<?> kind : kinds) {
            if (!kind.cometOnly() || speaksComet) {
                handOver(kind, newcomer, stores);
            }
        }
        pace(later);
    }

    /**
     * True when this node's store holds no record of any kind: most nodes of a large network hold none, and every
     * contact they verify or lose comes here, which then scans no kind's records (a range read of the store each).
     */
    private boolean holdsNothing() {
        return env.store().usage().records() == 0;
    }

    /** Runs the first quarter of a receiver's burst (if it runs our defaults) at once and adds the rest to {@code later}. */
    private Consumer<Runnable> firstBurst(List<Runnable> later) {
        int[] sendNow = {Math.max(1, config.guard().queryBurst() / 4)};
        return store -> {
            if (sendNow[0] > 0) {
                sendNow[0]--;
                store.run();
            } else {
                later.add(store);
            }
        };
    }

    /**
     * The Comet contact {@code silent} has just failed to answer for the first time: a ping tells a lost contact from
     * a slow answer or a lost datagram, and only when that goes unanswered too is its place repaired
     * ({@link #replicaLost}). Without it, a node that stalls for a moment had copies handed to the nodes behind it, which
     * then sat beyond the closest with a version nobody sent them again (the CI failure of stop 22).
     */
    void replicaSilent(Contact silent) {
        if (readOnly || stopped || !config.replicate() || holdsNothing()) {
            return;
        }
        // only a contact whose place a repair would fill is pinged: every ping that fails is one more failure on the
        // contact's record, and a node's few contacts all turning bad would leave its lookups nowhere to start
        List<Runnable> repairs = new ArrayList<>();
        for (ReplicatedKind<?> kind : kinds) {
            if (handsOff(kind)) {
                replicaLost(kind, silent, repairs::add);
            }
        }
        if (repairs.isEmpty()) {
            return;
        }
        transactions.ping(silent.address(), silent.id(), self.id(),
                new QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                    }

                    @Override
                    public void onError(KrpcError error) {
                        // it answered: it is there
                    }

                    @Override
                    public void onFailure() {
                        replicaLost(silent);
                    }
                });
    }

    /**
     * Repair on loss: the Comet contact {@code gone} has stopped answering, and a ping confirmed it. Where it was among the closest
     * {@code n} of a record this node holds (as this node's table sees them, this node among them), the contact that
     * takes its place is no newcomer, so store-on-join never fills that place, and before this only the remaining
     * holders' hourly republishes did: with 30-minute sessions a holder leaves about every 4 minutes, a republish
     * comes about every 8, and over a day 1 object in 200 lost its last holder (docs/architecture.md, "Replica
     * hygiene"). Each holder in range hands the record to the contact that moved into the closest {@code n}: two
     * queries, or a refresh where it already holds it. A holder at the edge leaves this to those nearer the key.
     */
    void replicaLost(Contact gone) {
        if (readOnly || stopped || !config.replicate() || holdsNothing()) {
            return;
        }
        List<Runnable> later = new ArrayList<>();
        Consumer<Runnable> stores = firstBurst(later);
        for (ReplicatedKind<?> kind : kinds) {
            if (handsOff(kind)) {
                replicaLost(kind, gone, stores);
            }
        }
        pace(later);
    }

    private <R> void replicaLost(ReplicatedKind<R> kind, Contact gone, Consumer<Runnable> stores) {
        long now = env.now();
        for (R record : kind.held(now, config.maxHandOverScan())) {
            NodeId key = kind.key(record);
            int replicas = kind.replicas(record);
            if (!kind.leftToTheNode(record) || replicas < 2 || kind.expiresAtMillis(record) - now < 1000) {
                continue;
            }
            // the table's closest without the silent contact; this node is among the closest n unless n are closer
            List<Contact> closest = table.closestResponsiveComet(key, replicas, now);
            if (closest.size() < replicas - 1 || behind(key, replicas, closest)) {
                continue;
            }
            // with this node, the closest n are it and the first n - 1 here: the last of those took the lost place
            Contact movedIn = closest.get(replicas - 2);
            if (key.byDistance().compare(gone.id(), movedIn.id()) < 0) {
                stores.accept(() -> handTo(kind, movedIn, record));
            }
        }
    }

    /**
     * Sends the hand-over stores left, a quarter of the receiver's rate a second: each store is two queries (a token,
     * then the store), so a receiver running our defaults never finds its bucket empty for us, and never bans a holder
     * that has many records for it.
     */
    private void pace(List<Runnable> stores) {
        if (stores.isEmpty()) {
            return;
        }
        int perSecond = Math.max(1, config.guard().queriesPerSecond() / 4);
        env.schedule(1000, () -> {
            if (!stopped) {
                int next = Math.min(stores.size(), perSecond);
                stores.subList(0, next).forEach(Runnable::run);
                pace(new ArrayList<>(stores.subList(next, stores.size())));
            }
        });
    }

    private <R> void handOver(ReplicatedKind<R> kind, Contact newcomer, Consumer<Runnable> stores) {
        long now = env.now();
        for (R record : kind.held(now, config.maxHandOverScan())) {
            if (!kind.leftToTheNode(record)) {
                continue;
            }
            NodeId key = kind.key(record);
            int replicas = kind.replicas(record);
            int width = handsOff(kind) ? replicas + margin : replicas;
            List<Contact> closest = kind.cometOnly() ? table.closestAnsweringComet(key, width, now)
                    : table.closest(key, width, now);
            long secondsLeft = (kind.expiresAtMillis(record) - now) / 1000;
            if (secondsLeft <= 0) {
                continue;
            }
            // a holder its own table shows behind n closer Comet nodes hands nothing over: it knows few nodes near a
            // key far from its own id, so a newcomer among its n closest is often beyond the true ones; the holders
            // nearer the key, whose tables are dense there, hand the record over
            boolean behind = handsOff(kind) && behind(key, replicas, closest);
            if (!behind && amongFirst(key, newcomer, closest, replicas)) {
                stores.accept(() -> handTo(kind, newcomer, record));
            }
            if (behind && key.byDistance().compare(newcomer.id(), self.id()) < 0) {
                // a newcomer in front of a holder near the edge of the closest may have pushed it beyond n + margin: a
                // lookup checks, and the closest get the record before this copy goes
                republish(kind, record, false);
            }
        }
    }

    /**
     * Whether {@code newcomer} is among the first {@code n} of {@code closest} (closest to {@code key} first). Only a
     * contact as near as the n-th can be, which most newcomers are not: the others' ids, each a cache miss in a
     * simulation of thousands of nodes, are then not read.
     */
    private static boolean amongFirst(NodeId key, Contact newcomer, List<Contact> closest, int n) {
        int first = Math.min(n, closest.size());
        return first > 0 && key.compareDistance(newcomer.id(), closest.get(first - 1).id()) <= 0
                && closest.subList(0, first).contains(newcomer);
    }

    /**
     * True when this node's table knows {@code replicas} Comet nodes closer to {@code key} than itself
     * ({@code closest}, closest first): it is at the edge of the closest or beyond.
     */
    private boolean behind(NodeId key, int replicas, List<Contact> closest) {
        return closest.size() >= replicas && key.byDistance().compare(closest.get(replicas - 1).id(), self.id()) < 0;
    }

    /**
     * Stores {@code record} on {@code to} with the lifetime it has left. Nobody waits for the outcome, but an answer
     * that says this node is {@code far} from the key (the receiver knows {@code n} + margin Comet nodes closer) starts
     * the republish that checks it and, if so, hands the record over and drops it.
     */
    <R> void handTo(ReplicatedKind<R> kind, Contact to, R record) {
        long secondsLeft = (kind.expiresAtMillis(record) - env.now()) / 1000;
        if (secondsLeft <= 0) {
            return;
        }
        kind.storeSent();
        handOvers++;
        remote.storeOn(to, kind.key(record), kind.storeMethod(), token -> kind.storeArgs(record, token, secondsLeft),
                answer -> {
                    if (handsOff(kind) && answer.has("far") && !stopped) {
                        republish(kind, record, false);
                    }
                });
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
            if (kind.leftToTheNode(record) && kind.expiresAtMillis(record) - now >= 1000) {
                republish(kind, record, true);
            }
        }
    }

    /**
     * The next check, one interval away give or take a tenth, the offset taken from this node's id: nodes check out of
     * step with each other, and the check draws nothing from the environment's random generator, so runs without
     * objects go exactly as they went before checks existed.
     */
    private void scheduleCheck() {
        long interval = config.objects().replicaCheckIntervalMillis();
        long jitter = interval / 10;
        long offset = Math.floorMod(self.id().hashCode(), 2 * jitter + 1);
        checkTimer = env.schedule(interval - jitter + offset, this::check);
    }

    /**
     * Between republishes, churn moves a holder away from the key faster than hourly: every check interval, each
     * record of a kind that hands off whose holder's routing table knows {@code n} Comet nodes closer than itself
     * gets the lookup that tells whether it is beyond {@code n} + margin, and if so is handed over and dropped. The
     * table alone cannot tell: it keeps at most K contacts in the bucket that covers a key far from this node.
     */
    private void check() {
        if (stopped || !config.replicate()) {
            return;
        }
        if (!readOnly) {
            for (ReplicatedKind<?> kind : kinds) {
                if (handsOff(kind)) {
                    check(kind);
                }
            }
        }
        scheduleCheck();
    }

    private <R> void check(ReplicatedKind<R> kind) {
        long now = env.now();
        for (R record : kind.held(now, Integer.MAX_VALUE)) {
            if (!kind.leftToTheNode(record) || kind.expiresAtMillis(record) - now < 1000) {
                continue;
            }
            NodeId key = kind.key(record);
            int replicas = kind.replicas(record);
            if (behind(key, replicas, table.closestAnsweringComet(key, replicas, now))) {
                republish(kind, record, false);
            }
        }
    }

    /**
     * Re-stores {@code record} on the nodes now closest to it, with the lifetime it has left ({@code always}; else only
     * to hand it over). A holder of a kind that hands off, beyond the closest {@code n} + margin Comet nodes the lookup
     * found, drops its copy once each of the closest {@code n} has answered the store: they hold it now (an object's
     * state here goes with the copy: replicas do not merge, docs/aso-api.md).
     */
    private <R> void republish(ReplicatedKind<R> kind, R record, boolean always) {
        NodeId key = kind.key(record);
        Set<NodeId> keys = underWay.get(kind);
        if (!keys.add(key)) {
            return;
        }
        int replicas = kind.replicas(record);
        int width = Math.max(config.k(), handsOff(kind) ? replicas + margin : replicas);
        rounds++;
        lookups.get(key, null, width, kind.cometOnly(), found -> {
            roundLookupMessages += found.lookup().messages();
            List<Contact> targets = kind.cometOnly() ? found.cometNodes(replicas) : found.lookup().closest();
            // the record as held when the lookup ends (an object's state may have moved on), read once for all
            R latest = kind.current(key, env.now());
            long secondsLeft = latest == null ? 0 : (kind.expiresAtMillis(latest) - env.now()) / 1000;
            if (latest == null || secondsLeft <= 0) {
                keys.remove(key);
                return;
            }
            boolean far = handsOff(kind) && !readOnly && !found.cometNodes(replicas + margin).contains(self);
            if (!far && !always) {
                keys.remove(key);
                return;
            }
            int[] confirmed = {0};
            Countdown answers = new Countdown(targets.size(), () -> {
                keys.remove(key);
                if (far && kind instanceof HandedOffKind<R> handedOff && confirmed[0] >= replicas
                        && kind.current(key, env.now()) != null) {
                    handedOff.drop(latest);
                }
            });
            for (Contact c : targets) {
                byte[] token = found.tokens().get(c.id());
                if (c.id().equals(self.id()) || token == null) {
                    answers.countDown();
                    continue;
                }
                kind.storeSent();
                roundStores++;
                transactions.send(c.address(), c.id(), kind.storeMethod(), kind.storeArgs(latest, token, secondsLeft),
                        new QueryCallback() {
                            @Override
                            public void onResponse(Contact from, KrpcResponse response) {
                                confirmed[0]++;
                                answers.countDown();
                            }

                            @Override
                            public void onError(KrpcError error) {
                                // 330: its onUpdate kept the object it holds under this key, which it still holds
                                confirmed[0] += error.code() == ErrorCode.HANDLER_REFUSED.krpcCode() ? 1 : 0;
                                answers.countDown();
                            }

                            @Override
                            public void onFailure() {
                                answers.countDown();
                            }
                        });
            }
        });
    }

    ReplicationStats stats() {
        return new ReplicationStats(rounds, roundLookupMessages, roundStores, handOvers);
    }

    /**
     * True when holders of {@code kind} that are no longer among a record's closest nodes (plus the hand-off margin)
     * hand it over and drop their copy (replica hygiene). BEP 44 items stay where they are: other implementations
     * hold them too.
     */
    private static boolean handsOff(ReplicatedKind<?> kind) {
        return kind instanceof HandedOffKind;
    }
}
