package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How Comet nodes find each other when they are a small share of a Mainline network (docs/architecture.md, "Comet
 * inside Mainline"). The routing table keeps Comet contacts in buckets of their own (the overlay); this part fills
 * them while the node shares its network with foreign Mainline nodes (its table holds one): every
 * {@code bucketRefreshMillis} it announces itself on a well-known rendezvous key with BEP 5's {@code announce_peer},
 * pings the Comet nodes announced there and, once they have answered, looks itself up among Comet nodes ({@code get}
 * with {@code cm = 1});
 * Comet contacts named second hand by Comet nodes are pinged when their overlay bucket has room. In an all-Comet
 * network it sends nothing. Owns the contacts being verified, the refresh timer and its count of early refreshes.
 */
final class CometOverlay {
    /** The rendezvous info hash: SHA-1 of this string, known to every Comet node. */
    static final NodeId RENDEZVOUS = NodeId.ofKey("comet overlay rendezvous v1");
    /** Overlay contacts pinged at once, as for the main table's newcomers. */
    private static final int MAX_VERIFYING = 16;
    /** Announced addresses pinged per refresh, over all the rendezvous nodes' answers. */
    private static final int MAX_PEERS_PINGED = 32;
    /** The first early refresh of a node that knows fewer than K Comet nodes; doubled each time, up to 16 times. */
    private static final long FIRST_RETRY_MILLIS = 30_000;

    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final Transactions transactions;
    private final Lookups lookups;
    private final Set<NodeId> verifying = new HashSet<>();
    private boolean stopped;
    private boolean readOnly;
    /** Early refreshes in a row while the overlay held fewer than K contacts. */
    private int retries;
    private Environment.Timer refreshTimer;

    CometOverlay(Contact self, NodeConfig config, Environment env, RoutingTable table, Transactions transactions,
                 Lookups lookups) {
        this.self = self;
        this.config = config;
        this.env = env;
        this.table = table;
        this.transactions = transactions;
        this.lookups = lookups;
    }

    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** Refreshes once the node has joined, then every {@code bucketRefreshMillis}. */
    void start() {
        refresh();
    }

    void stop() {
        stopped = true;
        if (refreshTimer != null) {
            refreshTimer.cancel();
        }
    }

    /** Comet contacts a Comet node named (a {@code cm = 1} answer): pinged when their overlay bucket has room. */
    void heardOfComet(List<Contact> named) {
        if (stopped || !table.amongForeignNodes()) {
            return;
        }
        for (Contact c : named) {
            if (verifying.size() >= MAX_VERIFYING) {
                return;
            }
            if (table.wantsComet(c.id()) && verifying.add(c.id())) {
                ping(c.address(), c.id(), () -> { });
            }
        }
    }

    private void refresh() {
        if (stopped) {
            return;
        }
        // the offset from the node's id, not the shared generator: a network that never needs the overlay draws nothing
        long interval = config.bucketRefreshMillis();
        long jitter = interval / 10;
        long next = interval - jitter + Math.floorMod(self.id().hashCode() * 31, 2 * jitter + 1);
        if (table.amongForeignNodes() && table.cometCount() < config.k()) {
            // a node that knows few Comet nodes looks again soon: the ones that announce after it are found sooner
            next = Math.min(next, FIRST_RETRY_MILLIS << Math.min(retries++, 4));
        } else {
            retries = 0;
        }
        refreshTimer = env.schedule(next, this::refresh);
        if (!table.amongForeignNodes()) {
            return;
        }
        // the Comet neighbours are looked up once the rendezvous' peers have answered, not beside it: a newcomer that
        // knew no Comet node looked among none, then knew K far ones from the rendezvous and did not look again for
        // a whole refresh interval; its neighbours never heard of it (measured: 3 of 53 Comet nodes known to no other)
        rendezvous(this::lookUpNeighbours);
    }

    /** The Comet nodes around this one, then a Comet node in every overlay bucket that is idle or not full. */
    private void lookUpNeighbours() {
        if (stopped) {
            return;
        }
        lookups.get(self.id(), null, config.k(), true, found -> { });
        for (NodeId target : table.cometRefreshTargets(env.now(), env.random())) {
            lookups.get(target, null, config.k(), true, found -> { });
        }
    }

    /**
     * Finds the nodes closest to the rendezvous key, asks them for the Comet nodes announced there ({@code
     * get_peers}), pings those, and announces this node there in turn (unless read-only: it takes no queries). Runs
     * {@code then} when every {@code get_peers} and ping has its answer or has failed.
     */
    private void rendezvous(Runnable then) {
        lookups.get(RENDEZVOUS, null, config.k(), false, found -> {
            Set<InetSocketAddress> announced = new HashSet<>();
            Outstanding outstanding = new Outstanding(then);
            int asked = 0;
            for (Contact c : found.lookup().closest()) {
                byte[] token = found.tokens().get(c.id());
                if (token == null || c.id().equals(self.id())) {
                    continue;
                }
                outstanding.add();
                transactions.send(c.address(), c.id(), "get_peers",
                        Dict.builder().put("id", self.id()).put("info_hash", RENDEZVOUS).build(), new QueryCallback() {
                            @Override
                            public void onResponse(Contact from, KrpcResponse response) {
                                pingAnnounced(response, announced, outstanding);
                                outstanding.done();
                            }

                            @Override
                            public void onFailure() {
                                // one of several holders of the key: the others answer
                                outstanding.done();
                            }
                        });
                if (!readOnly) {
                    transactions.send(c.address(), c.id(), "announce_peer", Dict.builder().put("id", self.id())
                            .put("info_hash", RENDEZVOUS).put("port", (long) self.address().getPort())
                            .put("token", token).build(), QueryCallback.IGNORE);
                }
                if (++asked >= config.k()) {
                    break;
                }
            }
            outstanding.seal();
        });
    }

    /** Pings the peers a {@code get_peers} answer names, {@code pinged} the ones this refresh pinged already. */
    private void pingAnnounced(KrpcResponse response, Set<InetSocketAddress> pinged, Outstanding outstanding) {
        if (!response.values().has("values")) {
            return;
        }
        for (Object v : response.values().list("values")) {
            if (!(v instanceof byte[] compact) || pinged.size() >= MAX_PEERS_PINGED) {
                continue;
            }
            try {
                InetSocketAddress peer = CompactInfo.peer(compact);
                if (!peer.equals(self.address()) && pinged.add(peer)) {
                    outstanding.add();
                    ping(peer, null, outstanding::done);
                }
            } catch (RuntimeException e) {
                // a malformed peer entry: skip it, as a get_peers client does
            }
        }
    }

    /** A ping: its answer, signed {@code CM}, puts the node in the overlay (Membership hears every answer). */
    private void ping(InetSocketAddress to, NodeId expected, Runnable answeredOrFailed) {
        transactions.ping(to, expected, self.id(), new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                if (expected != null) {
                    verifying.remove(expected);
                }
                answeredOrFailed.run();
            }

            @Override
            public void onFailure() {
                if (expected != null) {
                    verifying.remove(expected);
                }
                answeredOrFailed.run();
            }
        });
    }

    /**
     * The queries of one rendezvous still awaited, which grow as answers name peers to ping: runs its action once,
     * when it is sealed (no more queries will be added from the lookup) and the last one is in.
     */
    private static final class Outstanding {
        private final Runnable then;
        private int awaited;
        private boolean sealed;
        private boolean ran;

        Outstanding(Runnable then) {
            this.then = then;
        }

        void add() {
            awaited++;
        }

        void done() {
            awaited--;
            runIfFinished();
        }

        void seal() {
            sealed = true;
            runIfFinished();
        }

        private void runIfFinished() {
            if (sealed && awaited == 0 && !ran) {
                ran = true;
                then.run();
            }
        }
    }
}
