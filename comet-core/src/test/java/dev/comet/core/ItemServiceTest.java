package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.Dict;
import dev.comet.routing.Contact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ItemService, through Node: BEP 44 get and put answered from storage, and a put for this node's user. */
class ItemServiceTest {
    private static final Ed25519.RawKeyPair KEYS = Ed25519.fromSeed(new byte[32]);
    private static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);

    private final NodeUnderTest n = NodeUnderTest.withDefaults();
    private final Peer writer = new Peer(NodeId.ofKey("writer"), 10);
    private final Peer reader = new Peer(NodeId.ofKey("reader"), 11);

    private static byte[] value(String s) {
        return Bencode.encode(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Item mutable(long seq, String v) {
        return Item.signed(KEYS, SALT, seq, value(v));
    }

    private Dict.Builder putArgs(Peer from, Item item, byte[] token) {
        Dict.Builder args = from.args().put("token", token);
        ItemStorage.fields(item).forEach(args::put);
        return args;
    }

    private Dict put(Item item) {
        return n.askOk(writer, "put", putArgs(writer, item, n.tokenFor(writer, item.target())).build());
    }

    private int putError(Item item) {
        return n.askError(writer, "put", putArgs(writer, item, n.tokenFor(writer, item.target())).build());
    }

    private Dict get(NodeId target) {
        return n.askOk(reader, "get", reader.args().put("target", target).build());
    }

    @Test
    void anImmutableItemPutWithAValidTokenIsStoredAndAGetReturnsIt() {
        Item item = Item.immutable(value("hello world"));

        assertThat(put(item).id("id")).isEqualTo(n.id());

        Dict got = get(item.target());
        assertThat(Bencode.encode(got.map().get("v"))).isEqualTo(item.value());
        assertThat(got.bytes("token")).hasSize(8);
    }

    @Test
    void aPutWithABadTokenGets203AndStoresNothing() {
        Item item = Item.immutable(value("hello world"));
        byte[] token = n.tokenFor(writer, item.target()).clone();
        token[7] ^= 1;

        assertThat(n.askError(writer, "put", putArgs(writer, item, token).build())).isEqualTo(203);
        assertThat(get(item.target()).has("v")).isFalse();
    }

    @Test
    void aTokenForAnotherTargetIsRefused() {
        Item item = Item.immutable(value("hello world"));
        byte[] tokenForOtherTarget = n.tokenFor(writer, NodeId.ofKey("elsewhere"));

        assertThat(n.askError(writer, "put", putArgs(writer, item, tokenForOtherTarget).build())).isEqualTo(203);
    }

    @Test
    void aMutableItemWithALowerSeqGets302AndTheStoredOneStays() {
        put(mutable(5, "five"));

        assertThat(putError(mutable(4, "four"))).isEqualTo(302);

        Dict got = get(mutable(5, "five").target());
        assertThat(got.integer("seq")).isEqualTo(5);
        assertThat(Bencode.encode(got.map().get("v"))).isEqualTo(value("five"));
    }

    @Test
    void aMutableItemWithAHigherSeqReplacesTheStoredOne() {
        put(mutable(5, "five"));
        put(mutable(6, "six"));

        assertThat(get(mutable(6, "six").target()).integer("seq")).isEqualTo(6);
    }

    @Test
    void aMutableItemWithABadSignatureGets206() {
        Item good = mutable(1, "one");
        byte[] sig = good.signature().clone();
        sig[0] ^= 1;

        assertThat(putError(new Item(good.value(), good.publicKey(), good.salt(), good.seq(), sig))).isEqualTo(206);
    }

    @Test
    void aCasThatIsNotTheStoredSeqGets301() {
        put(mutable(5, "five"));
        Item next = mutable(6, "six");

        int code = n.askError(writer, "put", putArgs(writer, next, n.tokenFor(writer, next.target())).put("cas", 4L).build());

        assertThat(code).isEqualTo(301);
    }

    @Test
    void aGetWithSeqOmitsTheValueUnlessTheStoredItemIsNewer() {
        Item item = mutable(5, "five");
        put(item);

        Dict notNewer = n.askOk(reader, "get", reader.args().put("target", item.target()).put("seq", 5L).build());
        assertThat(notNewer.has("v")).isFalse();
        assertThat(notNewer.integer("seq")).isEqualTo(5);

        Dict newer = n.askOk(reader, "get", reader.args().put("target", item.target()).put("seq", 4L).build());
        assertThat(newer.has("v")).isTrue();
        assertThat(newer.bytes("sig")).isEqualTo(item.signature());
    }

    @Test
    void anItemPutWithATtlExpiresAfterIt() {
        Item item = Item.immutable(value("short lived"));
        n.askOk(writer, "put", putArgs(writer, item, n.tokenFor(writer, item.target())).put("ttl", 10L).build());

        n.env.advance(9_999);
        assertThat(get(item.target()).has("v")).isTrue();
        n.env.advance(1);
        assertThat(get(item.target()).has("v")).isFalse();
    }

    @Test
    void putItemStoresOnTheClosestNodesWithTheirTokensAndOnItself() {
        Peer holder = new Peer(NodeId.ofKey("holder"), 20);
        n.learn(holder);
        Item item = Item.immutable(value("for the network"));
        List<WriteOutcome> outcomes = new ArrayList<>();

        n.node.putItem(item, -1, outcomes::add);
        n.answer(holder, n.onlyQueryTo(holder, "get"), Dict.builder().put("token", "tok-1234".getBytes()).put("nodes", new byte[0]));
        FakeEnvironment.Sent put = n.onlyQueryTo(holder, "put");
        Dict args = NodeUnderTest.query(put).arguments();
        assertThat(args.bytes("token")).isEqualTo("tok-1234".getBytes());
        assertThat(Bencode.encode(args.map().get("v"))).isEqualTo(item.value());
        assertThat(args.has("ttl")).isFalse();
        assertThat(outcomes).isEmpty();

        n.answer(holder, put, Dict.builder());

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.accepted()).extracting(Contact::id).containsExactlyInAnyOrder(holder.id, n.id());
            assertThat(o.refused()).isEmpty();
        });
        assertThat(get(item.target()).has("v")).isTrue();
    }
}
