package dev.comet.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

/** A table entry keeps its node's id: its address may change, and a bucket finds it by that id alone. */
class ContactEntryTest {
    private static final NodeId ID = NodeId.fromHex("0123456789abcdef0123456789abcdef01234567");
    private static final NodeId OTHER = NodeId.fromHex("0123456789abcdef0123456789abcdef01234568");

    @Test
    void anEntryTakesANewAddressForItsIdButRefusesAnotherId() {
        ContactEntry entry = new ContactEntry(new Contact(ID, new InetSocketAddress("10.0.0.1", 6881)));
        Contact moved = new Contact(ID, new InetSocketAddress("10.0.0.2", 6882));
        entry.update(moved);
        assertThat(entry.contact()).isSameAs(moved);
        assertThatThrownBy(() -> entry.update(new Contact(OTHER, moved.address())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keeps its id");
        assertThat(entry.contact()).isSameAs(moved);
    }

    @Test
    void aBucketFindsAnEntryByItsIdAndNoOther() {
        Bucket bucket = new Bucket(0);
        ContactEntry entry = new ContactEntry(new Contact(ID, new InetSocketAddress("10.0.0.1", 6881)));
        bucket.entries.add(new ContactEntry(new Contact(OTHER, new InetSocketAddress("10.0.0.3", 6881))));
        bucket.entries.add(entry);
        assertThat(bucket.find(NodeId.fromHex(ID.toHex()))).isSameAs(entry);
        assertThat(bucket.find(NodeId.fromHex("ff23456789abcdef0123456789abcdef01234567"))).isNull();
        assertThat(bucket.findReplacement(ID)).isNull();
    }
}
