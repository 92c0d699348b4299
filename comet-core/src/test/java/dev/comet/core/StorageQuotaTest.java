package dev.comet.core;

import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.guard.StorageQuotas;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.Dict;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-source storage quotas through Node (docs/abuse.md, "Storage quotas"): a store of 1,000 records gives a stranger
 * 1 % (10 records) and a Comet peer 25 %; what a source created past its share is refused with 314, and nothing
 * another source stored is touched.
 */
class StorageQuotaTest {
    private static final int STORE_RECORDS = 1_000;
    private final Peer stranger = new Peer(NodeId.ofKey("stranger"), 30);
    private final Peer other = new Peer(NodeId.ofKey("other"), 31);

    private static NodeUnderTest node() {
        return NodeUnderTest.with(NodeConfig.defaults().withStoreQuota(STORE_RECORDS, 1L << 20)).started();
    }

    private static Item item(String text) {
        return Item.immutable(Bencode.encode(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code from} puts {@code item} with a fresh token ({@code ttl} seconds, or the default with -1); the reply. */
    private static Object put(NodeUnderTest n, Peer from, Item item, long ttl) {
        Dict.Builder args = from.args().put("token", n.tokenFor(from, item.target()));
        ItemStorage.fields(item).forEach(args::put);
        if (ttl >= 0) {
            args.put("ttl", ttl);
        }
        return n.ask(from, "put", args.build());
    }

    private static boolean refusedForItsShare(Object reply) {
        return reply instanceof dev.comet.krpc.KrpcError e && e.code() == ErrorCode.SOURCE_STORE_FULL.krpcCode();
    }

    @Test
    void aStrangersRecordsPastItsShareAreRefusedWhileAnotherSourceStillStores() {
        NodeUnderTest n = node();
        StorageQuotas.Share share = n.node.guard().storage().shareOf(stranger.address);
        assertThat(share.records()).isEqualTo(STORE_RECORDS / 100);
        for (int i = 0; i < share.records(); i++) {
            assertThat(put(n, stranger, item("mine " + i), -1)).as("item %d", i)
                    .isInstanceOf(dev.comet.krpc.KrpcResponse.class);
        }
        assertThat(refusedForItsShare(put(n, stranger, item("one too many"), -1))).isTrue();
        assertThat(new ItemStorage(n.env.store()).get(item("one too many").target(), n.env.now())).isEmpty();
        // storing again what it stored refreshes a record, it creates none
        assertThat(put(n, stranger, item("mine 0"), -1)).isInstanceOf(dev.comet.krpc.KrpcResponse.class);
        assertThat(put(n, other, item("theirs"), -1)).isInstanceOf(dev.comet.krpc.KrpcResponse.class);
        assertThat(n.node.stats().guard().storesRefused()).isEqualTo(1);
        for (int i = 0; i < share.records(); i++) {
            assertThat(new ItemStorage(n.env.store()).get(item("mine " + i).target(), n.env.now())).isPresent();
        }
    }

    @Test
    void recordsThatExpiredLeaveTheShareAtTheNextReconciliation() {
        NodeUnderTest n = node();
        int records = (int) n.node.guard().storage().shareOf(stranger.address).records();
        for (int i = 0; i < records; i++) {
            put(n, stranger, item("short " + i), 60);
        }
        assertThat(refusedForItsShare(put(n, stranger, item("later"), -1))).isTrue();
        n.env.advance(61_000);
        assertThat(put(n, stranger, item("later"), -1)).as("its records expired")
                .isInstanceOf(dev.comet.krpc.KrpcResponse.class);
        assertThat(n.node.guard().storage().recordsOf(stranger.address)).isEqualTo(1);
    }

    @Test
    void announcementsOnNewInfoHashesCountAgainstTheShare() {
        NodeUnderTest n = node();
        int records = (int) n.node.guard().storage().shareOf(stranger.address).records();
        int refused = 0;
        for (int i = 0; i <= records; i++) {
            NodeId infoHash = NodeId.ofKey("torrent " + i);
            byte[] token = n.askOk(stranger, "get_peers", stranger.args().put("info_hash", infoHash).build())
                    .bytes("token");
            Object reply = n.ask(stranger, "announce_peer", stranger.args().put("info_hash", infoHash)
                    .put("port", 6881L).put("token", token).build());
            refused += refusedForItsShare(reply) ? 1 : 0;
        }
        assertThat(refused).as("the announcement past %d info hashes", records).isEqualTo(1);
    }

    @Test
    void newObjectsAndTombstonesCountAgainstTheShareAndAReputDoesNot() {
        NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"),
                NodeConfig.defaults().withStoreQuota(STORE_RECORDS, 1L << 20),
                new FakeEnvironment(42).useAsoRuntime(new ScriptedAsoRuntime())).started();
        byte[] code = "function onGet() end".getBytes(StandardCharsets.UTF_8);
        int records = (int) n.node.guard().storage().shareOf(stranger.address).records();
        for (int i = 0; i < records - 1; i++) {
            NodeId key = NodeId.ofKey("object " + i);
            n.askOk(stranger, "comet_put", CometPut.args(stranger.id, key, n.tokenFor(stranger, key), code, null, false,
                    -1, 3, null));
        }
        // a delete of a key the node does not hold leaves a tombstone: one more record
        n.askOk(stranger, "comet_delete", stranger.args().put("k", NodeId.ofKey("never stored")).build());
        NodeId last = NodeId.ofKey("object past the share");
        assertThat(n.askError(stranger, "comet_put", CometPut.args(stranger.id, last, n.tokenFor(stranger, last), code,
                null, false, -1, 3, null))).isEqualTo(ErrorCode.SOURCE_STORE_FULL.krpcCode());
        NodeId first = NodeId.ofKey("object 0");
        n.askOk(stranger, "comet_put", CometPut.args(stranger.id, first, n.tokenFor(stranger, first), code, null, false,
                -1, 3, null));
        n.askOk(other, "comet_put", CometPut.args(other.id, last, n.tokenFor(other, last), code, null, false, -1, 3,
                null));
        assertThat(n.node.guard().storage().recordsOf(stranger.address)).isEqualTo(records);
    }

    @Test
    void aCometPeerThatAnsweredTheNodeHasTheLargerShare() {
        NodeUnderTest n = node();
        n.learn(stranger); // it answers the node's ping as a Comet node
        StorageQuotas.Share share = n.node.guard().storage().shareOf(stranger.address);
        assertThat(share.records()).isEqualTo(STORE_RECORDS / 4);
        for (int i = 0; i < 3 * STORE_RECORDS / 100; i++) {
            assertThat(put(n, stranger, item("replica " + i), -1)).as("item %d", i)
                    .isInstanceOf(dev.comet.krpc.KrpcResponse.class);
        }
        assertThat(n.node.stats().guard().storesRefused()).isZero();
    }
}
