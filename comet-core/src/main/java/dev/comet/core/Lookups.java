package dev.comet.core;

import dev.comet.CometException;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcResponse;
import dev.comet.krpc.TokenManager;
import dev.comet.lookup.Lookup;
import dev.comet.lookup.LookupResult;
import dev.comet.lookup.LookupTransport;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * Runs the node's iterative lookups over {@link Transactions}: {@code find_node} lookups (joins, bucket refresh)
 * and BEP 44 {@code get} lookups that also collect write tokens, the best item and which nodes speak Comet (item
 * reads and writes, and the search for an object's replicas). Owns the lookup counters (started, finished, hops and
 * requests sent, retries included). Every node an answer names goes to the {@link HeardOf} listener, which decides
 * whether to verify it.
 */
final class Lookups {
    /**
     * Contacts a lookup starts from, per contact it looks for. With only {@code width} seeds, a young node whose
     * contacts near the target had all left ended its lookup at itself, having asked none of its live contacts
     * farther away (the 1,000-node soak's missed gets); mldht seeds from four buckets' worth too.
     */
    static final int SEEDS_PER_WIDTH = 4;

    /** Hears of the nodes named in lookup answers (second-hand contacts). */
    interface HeardOf {
        /** {@code nodes} were named in an answer; {@code comet}: by a Comet node asked for Comet nodes only. */
        void heardOf(List<Contact> nodes, boolean comet);
    }

    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final TokenManager tokens;
    private final ItemStorage items;
    private final Transactions transactions;
    private final HeardOf heardOf;
    private boolean readOnly;

    private long started;
    private long finished;
    private long hops;
    private long messages;
    private long malformedDropped;

    Lookups(Contact self, NodeConfig config, Environment env, RoutingTable table, TokenManager tokens, ItemStorage items,
            Transactions transactions, HeardOf heardOf) {
        this.self = self;
        this.config = config;
        this.env = env;
        this.table = table;
        this.tokens = tokens;
        this.items = items;
        this.transactions = transactions;
        this.heardOf = heardOf;
    }

    /** A read-only node never counts itself among the closest nodes of a lookup. */
    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** An iterative find_node lookup for {@code target}; {@code done} gets the K closest nodes that answered. */
    void findNode(NodeId target, Consumer<LookupResult> done) {
        findNode(target, List.of(), done);
    }

    /**
     * A find_node lookup that also starts from {@code named}: contacts not in the table yet, such as those a bootstrap
     * node named in its answer.
     */
    void findNode(NodeId target, List<Contact> named, Consumer<LookupResult> done) {
        run(target, config.k(), false, named, false, findNodeTransport(), done);
    }

    /**
     * A find_node lookup for {@code target} that starts from {@code through} alone, not from the table's closest: it
     * walks the part of the network that contact knows (a part this node's table may have lost, as after a partition).
     */
    void findNodeThrough(NodeId target, Contact through, Consumer<LookupResult> done) {
        run(target, config.k(), false, List.of(through), true, findNodeTransport(), done);
    }

    private LookupTransport findNodeTransport() {
        return (to, t, reply) -> step(to, "find_node",
                Dict.builder().put("id", self.id()).put("target", t).build(), false, reply, (from, r) -> true);
    }

    /**
     * A BEP 44 get lookup for {@code target} that finds the {@code width} closest nodes, with their tokens and the
     * best item verified against {@code salt}; with {@code cometOnly} only Comet nodes' answers count (others are
     * followed, never counted) and the query asks Comet nodes to name Comet nodes only ({@code cm = 1}).
     */
    void get(NodeId target, byte[] salt, int width, boolean cometOnly, Consumer<ItemLookup> done) {
        Map<NodeId, byte[]> tokensByNode = new HashMap<>();
        Set<NodeId> comet = new HashSet<>();
        // an object lookup wants tokens and Comet nodes, never an item: it spares the store read
        Item[] best = {cometOnly ? null : items.get(target, env.now()).orElse(null)};
        Dict.Builder args = Dict.builder().put("id", self.id()).put("target", target);
        if (cometOnly) {
            args.put("cm", 1L);
        }
        Dict query = args.build();
        // a node among many Mainline nodes that knows enough Comet ones looks among them only: foreign nodes would
        // crowd the lookup with nodes closer to the target than any Comet node, and name no Comet node
        boolean overlayOnly = cometOnly && table.amongForeignNodes() && table.cometCount() >= config.k();
        LookupTransport transport = (to, t, reply) -> step(to, "get", query, overlayOnly, reply, (from, response) -> {
            if (response.values().has("token")) {
                tokensByNode.put(from.id(), response.values().bytes("token"));
            }
            boolean cometNode = CometNodes.counts(from, response.version(), config.guard());
            if (cometNode) {
                comet.add(from.id());
            }
            if (response.values().has("v")) {
                Item found = verifiedItem(response.values(), target, salt);
                if (found != null && (best[0] == null || found.seq() > best[0].seq())) {
                    best[0] = found;
                }
            }
            return !cometOnly || cometNode;
        });
        if (!readOnly) {
            tokensByNode.put(self.id(), tokens.tokenFor(self.address().getAddress(), target));
            comet.add(self.id());
        }
        run(target, width, overlayOnly, transport,
                result -> done.accept(new ItemLookup(Optional.ofNullable(best[0]), result, tokensByNode, comet)));
    }

    private void run(NodeId target, int width, boolean overlayOnly, LookupTransport transport,
                     Consumer<LookupResult> done) {
        run(target, width, overlayOnly, List.of(), false, transport, done);
    }

    private void run(NodeId target, int width, boolean overlayOnly, List<Contact> named, boolean namedOnly,
                     LookupTransport transport, Consumer<LookupResult> done) {
        started++;
        Lookup lookup = new Lookup(target, width, config.alpha(), transport, env::now, result -> {
            finished++;
            hops += result.hops();
            messages += result.messages();
            done.accept(result);
        });
        if (!readOnly) {
            lookup.includeSelf(self);
        }
        if (namedOnly) {
            lookup.start(named);
            return;
        }
        // seeded with more contacts than it needs: while the closest answer, only they are asked, and when they fail
        // (a table whose contacts near the target all left since it last heard from them) the next stand in
        int seeds = SEEDS_PER_WIDTH * width;
        List<Contact> fromTable = overlayOnly ? table.closestAnsweringComet(target, seeds, env.now())
                : table.closest(target, seeds, env.now());
        if (named.isEmpty()) {
            lookup.start(fromTable);
        } else {
            List<Contact> start = new ArrayList<>(fromTable);
            start.addAll(named);
            lookup.start(start);
        }
    }

    /**
     * One step of a lookup: sends {@code method} to {@code to}, hands the response to {@code inspect} and the
     * {@code nodes} it carries to the lookup; {@code inspect} says whether the answer counts among the closest. With
     * {@code countedOnly}, the nodes named in an answer that does not count are not followed.
     */
    private void step(Contact to, String method, Dict args, boolean countedOnly, LookupTransport.Reply reply,
                      BiPredicate<Contact, KrpcResponse> inspect) {
        transactions.sendLookupStep(to.address(), to.id(), method, args, new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                List<Contact> nodes;
                boolean counts;
                try {
                    nodes = env.contacts(CompactInfo.nodesIn(response.values()));
                    counts = inspect.test(from, response);
                    heardOf.heardOf(nodes, args.has("cm") && ClientVersion.isComet(response.version()));
                } catch (CometException e) {
                    malformedDropped++;
                    reply.failed();
                    return;
                }
                if (counts) {
                    reply.responded(from, nodes);
                } else {
                    reply.respondedNotCounting(from, countedOnly ? List.of() : nodes);
                }
            }

            @Override
            public void onFailure() {
                reply.failed();
            }

            @Override
            public void onRetry() {
                reply.retried();
            }
        });
    }

    /** The item in a get response if it is valid for {@code target}, else null (a liar or a broken node). */
    private static Item verifiedItem(Dict values, NodeId target, byte[] salt) {
        try {
            Item item = ItemStorage.fromFields(values, salt).validate();
            return item.target().equals(target) ? item : null;
        } catch (CometException e) {
            return null;
        }
    }

    long started() {
        return started;
    }

    long finished() {
        return finished;
    }

    long hops() {
        return hops;
    }

    long messages() {
        return messages;
    }

    long malformedDropped() {
        return malformedDropped;
    }
}
