package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.guard.StorageQuotas;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.TokenManager;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;
import dev.comet.storage.StoreKeys;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * BEP 44 items, both sides: answers {@code get} and {@code put} queries from the {@link ItemStorage}, and reads
 * and writes items on the closest nodes for this node's users. Owns no state beyond the storage it is given.
 */
final class ItemService {
    /** About what an item takes in the store beside its value (key, signature, salt), for its sender's share. */
    private static final int ITEM_OVERHEAD_BYTES = 160;

    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final AnswerContacts answers;
    private final TokenManager tokens;
    private final ItemStorage items;
    private final Lookups lookups;
    private final Transactions transactions;
    private final StorageQuotas quotas;

    ItemService(Contact self, NodeConfig config, Environment env, AnswerContacts answers, TokenManager tokens,
                ItemStorage items, Lookups lookups, Transactions transactions, StorageQuotas quotas) {
        this.self = self;
        this.config = config;
        this.env = env;
        this.answers = answers;
        this.tokens = tokens;
        this.items = items;
        this.lookups = lookups;
        this.transactions = transactions;
        this.quotas = quotas;
    }

    void registerWith(QueryDispatch dispatch) {
        dispatch.register("get", this::answerGet);
        dispatch.register("put", this::answerPut);
    }

    /** Looks up {@code target} and returns the best verified item the closest nodes hold. */
    void get(NodeId target, byte[] salt, Consumer<ItemLookup> done) {
        lookups.get(target, salt, config.k(), false, done);
    }

    /**
     * Stores {@code item} on the K closest nodes to its target (this node included when it is one of them), for
     * {@code ttlSeconds} (-1: each node's default).
     */
    void put(Item item, long ttlSeconds, Consumer<WriteOutcome> done) {
        item.validate();
        NodeId target = item.target();
        get(target, item.salt(), found -> {
            List<Contact> closest = found.lookup().closest();
            WriteRound round = new WriteRound(target, closest.size(), done);
            for (Contact c : closest) {
                if (c.id().equals(self.id())) {
                    try {
                        items.put(item, null, env.now(), env.now() + lifetimeMillis(ttlSeconds));
                        round.accepted(c);
                    } catch (CometException e) {
                        round.refused(c, e.error());
                    }
                    continue;
                }
                byte[] token = found.tokens().get(c.id());
                if (token == null) {
                    round.refused(c, CometError.of(ErrorCode.NO_WRITE_TOKEN));
                    continue;
                }
                transactions.send(c.address(), c.id(), "put", storeArgs(item, token, ttlSeconds), round.callback(c));
            }
        });
    }

    /** The arguments of a {@code put} of {@code item} with {@code token}; a {@code ttl} of -1 is left out. */
    Dict storeArgs(Item item, byte[] token, long ttlSeconds) {
        Dict.Builder args = Dict.builder().put("id", self.id()).put("token", token);
        ItemStorage.fields(item).forEach(args::put);
        if (ttlSeconds >= 0) {
            args.put("ttl", ttlSeconds);
        }
        return args.build();
    }

    /** BEP 44 get: a write token, the closest nodes, and the item if this node holds a newer one than asked for. */
    private Dict answerGet(InetSocketAddress from, Dict args) {
        NodeId target = args.id("target");
        // Comet's object lookups ask for Comet nodes only ("cm" = 1), so they find replicas among Comet nodes even
        // where other Mainline nodes are closer; other implementations ignore the argument
        Dict.Builder reply = answers.put(Dict.builder().put("id", self.id())
                .put("token", tokens.tokenFor(from.getAddress(), target)), target, args,
                args.optionalInteger("cm", 0) == 1);
        Optional<Item> item = items.get(target, env.now());
        if (item.isPresent()) {
            long newerThan = args.optionalInteger("seq", Long.MIN_VALUE);
            if (!item.get().isMutable() || item.get().seq() > newerThan) {
                ItemStorage.fields(item.get()).forEach(reply::put);
            } else {
                reply.put("seq", item.get().seq());
            }
        }
        return reply.build();
    }

    /**
     * BEP 44 put, with Comet's optional {@code ttl} argument (seconds of life left; other implementations ignore
     * it): a re-store by a replica carries the remaining lifetime, so republishing never extends it.
     */
    private Dict answerPut(InetSocketAddress from, Dict args) {
        Item item = ItemStorage.fromFields(args, null);
        NodeId target = item.target();
        if (!tokens.valid(args.bytes("token"), from.getAddress(), target)) {
            throw new CometException(ErrorCode.PROTOCOL, "bad token");
        }
        Long cas = args.has("cas") ? args.integer("cas") : null;
        long now = env.now();
        long expiresAt = now + lifetimeMillis(args.optionalInteger("ttl", -1));
        // a new item counts against its sender's share of the store (docs/abuse.md, "Storage quotas")
        quotas.store(from, StoreKeys.of(StoreKeys.ITEM, target), item.value().length + ITEM_OVERHEAD_BYTES, now,
                () -> items.put(item, cas, now, expiresAt));
        return Dict.builder().put("id", self.id()).build();
    }

    private long lifetimeMillis(long ttlSeconds) {
        return Lifetimes.millis(ttlSeconds, config.itemTtlMillis(), config.maxItemTtlMillis());
    }
}
