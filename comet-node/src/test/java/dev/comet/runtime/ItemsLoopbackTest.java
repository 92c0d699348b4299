package dev.comet.runtime;

import dev.comet.core.ItemLookup;
import dev.comet.ErrorCode;
import dev.comet.core.WriteOutcome;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BEP 44 items across a 20-node loopback cluster, and every refusal of a single node's put. */
class ItemsLoopbackTest {
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(20, 0, NodeConfig.defaults());
        cluster.awaitFormed(30_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void immutableItemRoundTripsAcrossTheCluster() throws Exception {
        List<UdpNode> nodes = cluster.nodes();
        Item item = Item.immutable(Bencode.encode("hello, immutable world"));
        WriteOutcome put = nodes.get(3).putItem(item, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.target()).isEqualTo(NodeId.sha1(item.value()));
        assertThat(put.accepted()).hasSize(8);
        assertThat(put.refused()).isEmpty();
        for (UdpNode reader : List.of(nodes.get(0), nodes.get(11), nodes.get(19))) {
            ItemLookup got = reader.getItem(put.target(), null).get(30, TimeUnit.SECONDS);
            assertThat(got.item()).isPresent();
            assertThat(got.item().get().value()).isEqualTo(item.value());
        }
    }

    @Test
    void mutableItemReturnsTheHighestSequenceNumber() throws Exception {
        List<UdpNode> nodes = cluster.nodes();
        Ed25519.RawKeyPair keys = Ed25519.generate(new SecureRandom());
        byte[] salt = "profile".getBytes(StandardCharsets.UTF_8);
        nodes.get(1).putItem(Item.signed(keys, salt, 1, Bencode.encode("version one")), -1).get(30, TimeUnit.SECONDS);
        WriteOutcome second = nodes.get(2).putItem(Item.signed(keys, salt, 2, Bencode.encode("version two")), -1)
                .get(30, TimeUnit.SECONDS);
        assertThat(second.accepted()).hasSize(8);
        ItemLookup got = nodes.get(17).getItem(Item.mutableTarget(keys.publicKey(), salt), salt).get(30, TimeUnit.SECONDS);
        assertThat(got.item()).isPresent();
        assertThat(got.item().get().seq()).isEqualTo(2);
        assertThat(got.item().get().value()).isEqualTo(Bencode.encode("version two"));

        // an older version is refused everywhere with 302
        WriteOutcome stale = nodes.get(5).putItem(Item.signed(keys, salt, 1, Bencode.encode("version one")), -1)
                .get(30, TimeUnit.SECONDS);
        assertThat(stale.accepted()).isEmpty();
        assertThat(stale.refused().values()).allSatisfy(reason -> assertThat(reason.code()).isEqualTo(ErrorCode.SEQ_TOO_LOW));
    }

    @Test
    void anInvalidItemIsRefusedBeforeAnythingIsSent() {
        byte[] tooBig = Bencode.encode("x".repeat(1000));
        assertThatThrownBy(() -> cluster.nodes().get(0).putItem(Item.immutable(tooBig), -1).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CometException.class)
                .hasMessageContaining("too big");
    }

    @Test
    void missingItemIsEmpty() throws Exception {
        ItemLookup got = cluster.nodes().get(4).getItem(NodeId.ofKey("nobody stored this"), null).get(30, TimeUnit.SECONDS);
        assertThat(got.item()).isEmpty();
        assertThat(got.lookup().closest()).hasSize(8);
    }

    @Test
    void eachRefusalOfASingleNodeHasItsBep44CodeAndLeavesTheItemUnchanged() throws Exception {
        InetSocketAddress node = cluster.nodes().get(7).address();
        Ed25519.RawKeyPair keys = Ed25519.generate(new SecureRandom());
        Item original = Item.signed(keys, null, 5, Bencode.encode("original"));
        NodeId target = original.target();
        try (BlockingKrpcClient client = new BlockingKrpcClient()) {
            byte[] token = token(client, node, target);
            assertThat(put(client, node, token, original, Map.of())).isInstanceOf(KrpcResponse.class);

            Item forged = new Item(Bencode.encode("forged"), keys.publicKey(), new byte[0], 6, original.signature());
            assertThat(errorCode(put(client, node, token, forged, Map.of()))).isEqualTo(206);

            Item stale = Item.signed(keys, null, 4, Bencode.encode("stale"));
            assertThat(errorCode(put(client, node, token, stale, Map.of()))).isEqualTo(302);

            Item next = Item.signed(keys, null, 6, Bencode.encode("next"));
            assertThat(errorCode(put(client, node, token, next, Map.of("cas", 3L)))).isEqualTo(301);

            assertThat(errorCode(put(client, node, "forged!!".getBytes(StandardCharsets.US_ASCII), next, Map.of())))
                    .isEqualTo(203);

            Item big = Item.immutable(Bencode.encode("y".repeat(1000)));
            assertThat(errorCode(put(client, node, token(client, node, NodeId.sha1(big.value())), big, Map.of())))
                    .isEqualTo(205);

            byte[] longSalt = new byte[65];
            Item salted = Item.signed(keys, longSalt, 1, Bencode.encode("salty"));
            assertThat(errorCode(put(client, node, token(client, node, salted.target()), salted, Map.of())))
                    .isEqualTo(207);

            KrpcResponse stored = (KrpcResponse) client.query(node, "get",
                    Dict.builder().put("id", client.id()).put("target", target).build()).orElseThrow();
            assertThat(stored.values().integer("seq")).isEqualTo(5);
            assertThat(Bencode.encode(stored.values().map().get("v"))).isEqualTo(original.value());
            assertThat(stored.values().bytes("sig")).isEqualTo(original.signature());
        }
    }

    @Test
    void aFullStoreRefusesNewItemsAndKeepsTheOldOnes() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        UdpNode small = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                // one client fills the whole store: no share per source (1 % by default) here, only the store's quota
                NodeConfig.defaults().withStoreQuota(3, 1 << 20)
                        .withGuard(dev.comet.guard.GuardConfig.defaults().withStorePercent(100, 100)), List.of(), null);
        try (BlockingKrpcClient client = new BlockingKrpcClient()) {
            small.ready().get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                Item item = Item.immutable(Bencode.encode("item " + i));
                assertThat(put(client, small.address(), token(client, small.address(), item.target()), item, Map.of()))
                        .isInstanceOf(KrpcResponse.class);
            }
            Item fourth = Item.immutable(Bencode.encode("item 3"));
            KrpcMessage refused = put(client, small.address(), token(client, small.address(), fourth.target()), fourth, Map.of());
            assertThat(errorCode(refused)).isEqualTo(ErrorCode.STORE_FULL.krpcCode());
            assertThat(((KrpcError) refused).message()).contains("store full");
            for (int i = 0; i < 3; i++) {
                Item item = Item.immutable(Bencode.encode("item " + i));
                KrpcResponse r = (KrpcResponse) client.query(small.address(), "get",
                        Dict.builder().put("id", client.id()).put("target", item.target()).build()).orElseThrow();
                assertThat(Bencode.encode(r.values().map().get("v"))).isEqualTo(item.value());
            }
        } finally {
            small.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static byte[] token(BlockingKrpcClient client, InetSocketAddress node, NodeId target) throws Exception {
        KrpcResponse r = (KrpcResponse) client.query(node, "get",
                Dict.builder().put("id", client.id()).put("target", target).build()).orElseThrow();
        return r.values().bytes("token");
    }

    private static KrpcMessage put(BlockingKrpcClient client, InetSocketAddress node, byte[] token, Item item,
                                   Map<String, Object> extra) throws Exception {
        TreeMap<String, Object> args = new TreeMap<>(ItemStorage.fields(item));
        args.put("id", client.id().toBytes());
        args.put("token", token);
        args.putAll(extra);
        return client.query(node, "put", Dict.of(args)).orElseThrow(() -> new AssertionError("no answer to put"));
    }

    private static int errorCode(KrpcMessage m) {
        assertThat(m).isInstanceOf(KrpcError.class);
        return ((KrpcError) m).code();
    }
}
