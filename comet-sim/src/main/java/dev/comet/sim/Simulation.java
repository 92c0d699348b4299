package dev.comet.sim;

import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.storage.InMemoryStore;
import dev.comet.id.NodeId;
import dev.comet.lookup.LookupReport;
import dev.comet.lua.SandboxExecutor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a network of real {@link Node}s on a {@link SimNetwork}, lets it settle, applies the configured faults,
 * runs lookups from random live nodes for random targets and judges them against global knowledge.
 *
 * <p>Owns the live nodes, the churn counters, the handler work of nodes that have left ({@link HandlerTotals}) and
 * the phase reported to a {@link Progress}.
 */
public final class Simulation {
    private final SimConfig config;
    private final SimNetwork network;
    private final SessionTimes sessions;
    private final List<SimNode> live = new ArrayList<>();
    /** The ids of {@link #live}, or null when it changed since they were listed. */
    private List<NodeId> liveIds;
    /**
     * The nodes' sandboxes, a host's chosen by its number ({@link SimNetwork.Host#sandbox}): the same on any number of
     * threads, each used by one lane, on one thread at a time.
     */
    private final SandboxExecutor[] sandboxes;
    private int readyNodes;
    private int departures;
    private int arrivals;
    private HandlerTotals departed = HandlerTotals.NONE;
    private Progress progress = Progress.NONE;
    private String phase = "starting";
    private java.util.function.DoubleSupplier phaseDone = () -> Double.NaN;

    /** A node, the host it runs on, and whether it runs Comet (else it is a foreign Mainline node, {@link MainlinePeer}). */
    public record SimNode(Node node, SimNetwork.Host host, boolean comet) {
        /** True when this node's store holds an object under {@code key} now (global knowledge, for reports). */
        public boolean holdsObject(NodeId key) {
            return stored(key).isPresent();
        }

        /** The record of the object under {@code key} in this node's store now, if it holds one. */
        public java.util.Optional<dev.comet.aso.ObjectStorage.StoredObject> stored(NodeId key) {
            return new dev.comet.aso.ObjectStorage(host.store()).get(key, host.now());
        }

        /** What this node's handlers have done so far. */
        public HandlerTotals handlerWork() {
            dev.comet.aso.AsoStats stats = host.asoRuntime().stats();
            return new HandlerTotals(stats.invocations(), stats.instructions(), node.objectStats().requestsSent());
        }
    }

    public Simulation(SimConfig config) {
        this(config, SessionTimes.exponential(config.churnMeanSessionSeconds()));
    }

    /** A simulation whose churn draws each node's session from {@code sessions} (none when it says so). */
    public Simulation(SimConfig config, SessionTimes sessions) {
        this.config = config;
        this.sessions = sessions;
        this.network = SimNetwork.of(config);
        this.sandboxes = new SandboxExecutor[SimNetwork.SANDBOXES];
        for (int i = 0; i < sandboxes.length; i++) {
            sandboxes[i] = SandboxExecutor.inlineHandedOver(config.nodeConfig().objects().handlerEngine());
        }
    }

    /** Where the run reports its phase and virtual time as it goes (nothing by default). */
    public void reportProgress(Progress progress) {
        this.progress = progress;
        network.watch(10_000, this::progressTick);
    }

    /** Starts a phase of the run: {@code done} says how much of it is done (0 to 1), NaN when it cannot say. */
    public void phase(String name, java.util.function.DoubleSupplier done) {
        this.phase = name;
        this.phaseDone = done;
        progressTick();
    }

    private void progressTick() {
        progress.update(phase, network.now(), phaseDone.getAsDouble(), network.events());
    }

    /** Runs the whole scenario and returns the report fields, in the order of the JSON output. */
    public Map<String, Object> run() {
        HeapMeter.reset();
        RunCost cost = RunCost.start();

        buildAndSettle();
        int killed = killAtOnce();

        LookupReport report = new LookupReport(config.nodeConfig().k());
        int[] finished = {0};
        for (int i = 0; i < config.lookups(); i++) {
            network.schedule(i * config.lookupIntervalMillis(), () -> {
                SimNode from = live.get(network.random().nextInt(live.size()));
                NodeId target = NodeId.random(network.random());
                from.node().lookup(target, network.driver(result -> {
                    report.add(result, liveIds());
                    finished[0]++;
                }));
            });
        }
        phase("lookups", () -> finished[0] / (double) Math.max(1, config.lookups()));
        long deadline = network.now() + config.lookups() * config.lookupIntervalMillis() + 600_000;
        network.runUntil(() -> finished[0] == config.lookups(), deadline);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", config.nodes());
        out.putAll(report.fields());
        putCost(out, cost);
        out.put("seed", config.seed());
        out.put("live_nodes", live.size());
        out.put("loss", config.lossRate());
        out.put("killed", killed);
        out.put("churn_departures", departures);
        out.put("churn_arrivals", arrivals);
        out.put("lookups_unfinished", config.lookups() - finished[0]);
        out.put("datagrams", network.datagramsSent());
        out.put("virtual_seconds", network.now() / 1000);
        return out;
    }

    /**
     * The item workload of issue #3: once the network has settled (with churn if configured), {@code items} immutable
     * items with a lifetime of {@code ttlSeconds} are put from random nodes; after {@code checkAfterMillis} of
     * virtual time every live node tries to get every item. Reports the fraction of (node, item) reads that found
     * the item, and the number of items every live reader found.
     */
    public Map<String, Object> runItems(int items, long ttlSeconds, long checkAfterMillis) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        buildAndSettle();

        List<dev.comet.items.Item> stored = new ArrayList<>();
        int[] acknowledged = {0};
        for (int i = 0; i < items; i++) {
            dev.comet.items.Item item = dev.comet.items.Item.immutable(
                    dev.comet.bencode.Bencode.encode("item " + i + " of seed " + config.seed()));
            stored.add(item);
            live.get(network.random().nextInt(live.size())).node().putItem(item, ttlSeconds, network.driver(put -> {
                if (!put.accepted().isEmpty()) {
                    acknowledged[0]++;
                }
            }));
        }
        runPhase("waiting", checkAfterMillis);

        // readers: every live node that has joined (a node still bootstrapping has no view of the network yet)
        List<SimNode> readers = new ArrayList<>();
        for (SimNode n : live) {
            if (n.node().isReady()) {
                readers.add(n);
            }
        }
        int reads = readers.size() * items;
        int[] found = {0};
        int[] finished = {0};
        int[] failedReads = new int[items];
        int[] unavailable = {0};
        int[] readsDone = new int[readers.size()];
        java.util.Set<NodeId> failingReaders = new java.util.HashSet<>();
        for (int r = 0; r < readers.size(); r++) {
            SimNode reader = readers.get(r);
            int readerIndex = r;
            network.schedule(r * 20L, () -> {
                for (int i = 0; i < items; i++) {
                    int index = i;
                    if (!reader.host().alive()) {
                        // left during the reads: counts as neither success nor failure
                        unavailable[0]++;
                        finished[0]++;
                        readsDone[readerIndex]++;
                        continue;
                    }
                    reader.node().getItem(stored.get(index).target(), null, network.driver(got -> {
                        finished[0]++;
                        readsDone[readerIndex]++;
                        if (got.item().isPresent()) {
                            found[0]++;
                        } else {
                            failedReads[index]++;
                            failingReaders.add(reader.node().id());
                        }
                    }));
                }
            });
        }
        phase("reading", () -> finished[0] / (double) Math.max(1, reads));
        network.runUntil(() -> finished[0] == reads, network.now() + readers.size() * 20L + 600_000);
        // a read whose answer never came: its reader left mid-lookup (not a failure), or it is one
        int unansweredFromLiveReaders = 0;
        for (int r = 0; r < readers.size(); r++) {
            int done = readsDone[r];
            if (done < items) {
                if (readers.get(r).host().alive()) {
                    unansweredFromLiveReaders += items - done;
                } else {
                    unavailable[0] += items - done;
                }
            }
        }
        int everywhere = 0;
        for (int failures : failedReads) {
            if (failures == 0 && unansweredFromLiveReaders == 0) {
                everywhere++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", config.nodes());
        out.put("items", items);
        out.put("items_acknowledged", acknowledged[0]);
        out.put("item_ttl_seconds", ttlSeconds);
        out.put("checked_after_seconds", checkAfterMillis / 1000);
        out.put("replication", config.nodeConfig().replicate());
        int attempted = reads - unavailable[0];
        out.put("read_success_rate", attempted == 0 ? 0 : Math.round(10_000.0 * found[0] / attempted) / 10_000.0);
        out.put("reads_failed", attempted - found[0]);
        out.put("reads_unanswered", unansweredFromLiveReaders);
        out.put("readers_with_failed_reads", failingReaders.size());
        out.put("items_readable_everywhere", everywhere);
        out.put("readers", readers.size());
        putRunFields(out, cost);
        return out;
    }

    /**
     * The object workload of issue #4: once the network has settled, {@code objects} active objects with a timer
     * every {@code timerSeconds} and a lifetime of {@code ttlSeconds} are put from random nodes, replicated as
     * {@code replication} says. After {@code checkAfterMillis}
     * of virtual time a random live node reads every object from all its replicas. An object is readable when
     * some replica answers; a replica's timer runs when the replica, holding the object for over two intervals,
     * ran its onTimer itself within the last two intervals.
     */
    public Map<String, Object> runObjects(int objects, long ttlSeconds, long timerSeconds, long checkAfterMillis,
                                          ObjectReplication replication) {
        return new ObjectWorkload(this).run(objects, ttlSeconds, timerSeconds, checkAfterMillis, replication);
    }

    /**
     * The minority workload of issue #15 ({@link MinorityWorkload}): with only {@link SimConfig#cometFraction()} of
     * the nodes running Comet, {@code objects} objects are put from random Comet nodes and read by
     * {@code readersPerObject} random Comet nodes (0: every other one), then {@code holdSeconds} of virtual time
     * measure what replication costs (0: none).
     */
    public Map<String, Object> runMinority(int objects, int readersPerObject, long holdSeconds) {
        return new MinorityWorkload(this).run(objects, readersPerObject, holdSeconds * 1000);
    }

    public SimConfig config() {
        return config;
    }

    public SimNetwork network() {
        return network;
    }

    /** The live nodes; a workload reads it, only churn, kills and joins change it. */
    public List<SimNode> liveNodes() {
        return java.util.Collections.unmodifiableList(live);
    }

    /** Handler work of every node so far: the live ones and those that have left. */
    public HandlerTotals handlerWork() {
        HandlerTotals total = departed;
        for (SimNode n : live) {
            total = total.plus(n.handlerWork());
        }
        return total;
    }

    /** Nodes that left by churn so far (each replaced by a newcomer). */
    public int churnDepartures() {
        return departures;
    }

    /** How many live nodes hold each of {@code keys} now: the replicas an object really has, reachable or not. */
    List<Integer> holdersPerObject(List<NodeId> keys) {
        List<Integer> out = new ArrayList<>();
        for (NodeId key : keys) {
            int holders = 0;
            for (SimNode n : live) {
                holders += n.holdsObject(key) ? 1 : 0;
            }
            out.add(holders);
        }
        return out;
    }

    /**
     * What the run cost: wall time, the simulation threads' CPU time, the collectors' time, and the peak heap. The
     * only fields that differ between two runs of one seed.
     */
    private static void putCost(Map<String, Object> out, RunCost cost) {
        out.put("wall_seconds", cost.wallSeconds());
        out.put("cpu_seconds", cost.cpuSeconds());
        out.put("gc_seconds", cost.collectorSeconds());
        out.put("peak_heap_mb", HeapMeter.peakMegabytes());
    }

    /** The fields every workload's report ends with: churn, wall time, memory, seed, traffic, virtual time. */
    void putRunFields(Map<String, Object> out, RunCost cost) {
        out.put("churn_departures", departures);
        putCost(out, cost);
        out.put("seed", config.seed());
        out.put("datagrams", network.datagramsSent());
        out.put("virtual_seconds", network.now() / 1000);
    }

    /** Runs {@code millis} of virtual time as the phase {@code name}, its progress the time passed. */
    public void runPhase(String name, long millis) {
        long start = network.now();
        phase(name, () -> (network.now() - start) / (double) Math.max(1, millis));
        network.runUntil(start + millis);
    }

    /** Builds the network, starts churn if configured, and lets it run for the settle time. */
    public void buildAndSettle() {
        build();
        if (sessions.churns()) {
            for (SimNode n : new ArrayList<>(live)) {
                scheduleDeparture(n);
            }
        }
        long start = network.now();
        phase("settling", () -> (network.now() - start) / (double) Math.max(1, config.settleMillis()));
        network.runUntil(network.now() + config.settleMillis());
    }

    /**
     * Nodes join one after another, each through a random node that joined before it; or, with {@link
     * SimConfig#warmStart}, all start at once with their tables filled from global knowledge ({@link WarmStart}).
     */
    private void build() {
        if (config.warmStart()) {
            buildWarm();
            return;
        }
        phase("joining", () -> readyNodes / (double) config.nodes());
        for (int i = 0; i < config.nodes(); i++) {
            network.schedule(i * config.joinIntervalMillis(), this::join);
        }
        // a counter, not a scan: the condition is checked after every window
        network.runUntil(() -> readyNodes == config.nodes(), Long.MAX_VALUE);
    }

    private SimNode join() {
        return join(NodeId.random(network.random()));
    }

    /** Every node made now, its table filled as a converged network's would be, then started: ready at once. */
    private void buildWarm() {
        for (int i = 0; i < config.nodes(); i++) {
            live.add(create(NodeId.random(network.random())));
            liveIds = null;
        }
        int[] filled = {0};
        phase("filling tables", () -> filled[0] / (double) config.nodes());
        new WarmStart(live, config.nodeConfig().k()).fill(network.now(), network.random(), () -> {
            if (++filled[0] % 1000 == 0) {
                progressTick();
            }
        });
        for (SimNode n : live) {
            // no bootstrap address: the node does not join, it already knows its part of the network
            n.node().start(List.of());
            n.node().whenReady(network.driver(() -> readyNodes++));
        }
    }

    /**
     * A new node with the id {@code id} joins now through a random node that has joined; it stays until killed (churn
     * does not take it). An attacker placing ids near a key joins this way.
     */
    public SimNode join(NodeId id) {
        SimNode simNode = create(id);
        List<java.net.InetSocketAddress> bootstrap = live.isEmpty() ? List.of() : List.of(randomReadyNode().host().address());
        live.add(simNode);
        liveIds = null;
        simNode.node().start(bootstrap);
        simNode.node().whenReady(network.driver(() -> readyNodes++));
        return simNode;
    }

    /** A new node with the id {@code id} on a host of its own, not started and not yet among the live ones. */
    private SimNode create(NodeId id) {
        NodeConfig nodeConfig = config.nodeConfig();
        SimNetwork.Host host = network.newHost(new InMemoryStore(nodeConfig.maxStoreRecords(), nodeConfig.maxStoreBytes()));
        host.identify(id);
        // a fraction of 1 draws nothing, so runs of an all-Comet network are what they were before foreign nodes
        boolean comet = config.cometFraction() >= 1 || network.random().nextDouble() < config.cometFraction();
        Node node;
        if (comet) {
            host.runObjects(new SimAsoRuntime(sandboxes[host.sandbox()], host, id, nodeConfig.objects().limits()));
            node = new Node(id, host.address(), config.nodeConfig(), host);
            host.bind(node::onDatagram);
        } else {
            MainlinePeer peer = new MainlinePeer(host);
            node = new Node(id, host.address(), config.nodeConfig(), peer);
            // libtorrent knows nothing of Comet's rendezvous key: a foreign node that announced itself there pushed
            // the Comet nodes out of the 50 peers a get_peers answer holds (measured: 5 of 53 Comet nodes isolated)
            node.withoutCometOverlay();
            peer.bind(node::onDatagram);
        }
        return new SimNode(node, host, comet);
    }

    /** A live node that has joined (so a newcomer cannot join an island); any live node if none has yet. */
    public SimNode randomReadyNode() {
        for (int tries = 0; tries < 64; tries++) {
            SimNode n = live.get(network.random().nextInt(live.size()));
            if (n.node().isReady()) {
                return n;
            }
        }
        return live.get(network.random().nextInt(live.size()));
    }

    private void scheduleDeparture(SimNode n) {
        long session = sessions.sessionMillis(network.random());
        network.schedule(session, () -> {
            if (!n.host().alive()) {
                return;
            }
            leave(n);
            departures++;
            arrivals++;
            scheduleDeparture(join());
        });
    }

    /** Takes {@code n} off the network at once, as a crash would; nobody replaces it. */
    public void leave(SimNode n) {
        departed = departed.plus(n.handlerWork());
        n.node().stop();
        n.host().kill();
        removeLive(n);
        liveIds = null;
    }

    /**
     * Takes {@code n} out of the live list, keeping the others' order (random picks index it). Compared by identity:
     * {@code List.remove} asks each record's {@code equals}, which reads every node before it, each a cache miss
     * (2 % of a 10,000-node hour; a day's churn has half a million departures).
     */
    private void removeLive(SimNode n) {
        for (int i = 0; i < live.size(); i++) {
            if (live.get(i) == n) {
                live.remove(i);
                return;
            }
        }
    }

    private int killAtOnce() {
        int count = (int) Math.round(config.killFraction() * live.size());
        for (int i = 0; i < count; i++) {
            leave(live.get(network.random().nextInt(live.size())));
        }
        return count;
    }

    /** The ids of the live nodes, made again only after the live set changed: every lookup's judge reads them. */
    private List<NodeId> liveIds() {
        if (liveIds == null) {
            List<NodeId> ids = new ArrayList<>(live.size());
            for (SimNode n : live) {
                ids.add(n.node().id());
            }
            liveIds = java.util.Collections.unmodifiableList(ids);
        }
        return liveIds;
    }
}
