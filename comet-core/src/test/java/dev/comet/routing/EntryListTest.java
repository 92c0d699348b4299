package dev.comet.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A bucket's entry list finds by id through the hashes it keeps beside the entries, whatever was changed before. */
class EntryListTest {
    @Test
    void idsWithTheSameHashAreToldApart() {
        // the hash is hash(high) * 31 + hash(middle) * 17 + low: middle one more and low 17 less give the same hash
        NodeId a = NodeId.fromHex("0123456789abcdef" + "000000000000abcd" + "00001000");
        NodeId b = NodeId.fromHex("0123456789abcdef" + "000000000000abce" + "00000fef");
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        assertThat(a).isNotEqualTo(b);
        EntryList list = new EntryList(1);
        ContactEntry first = entry(a, 1);
        ContactEntry second = entry(b, 2);
        list.add(first);
        list.add(second);
        assertThat(list.find(a)).isSameAs(first);
        assertThat(list.find(b)).isSameAs(second);
        assertThat(list.removeEntry(first)).isTrue();
        assertThat(list.find(a)).isNull();
        assertThat(list.find(b)).isSameAs(second);
        assertThat(list.removeEntry(first)).isFalse();
    }

    @Test
    void findAgreesWithASearchOfTheEntriesAfterAnyChanges() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            List<ContactEntry> pool = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                pool.add(entry(NodeId.random(random), i));
            }
            EntryList list = new EntryList(2);
            List<ContactEntry> reference = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                ContactEntry e = pool.get(random.nextInt(pool.size()));
                switch (random.nextInt(5)) {
                    case 0, 1 -> {
                        if (!reference.contains(e)) {
                            list.add(e);
                            reference.add(e);
                        }
                    }
                    case 2 -> assertThat(list.removeEntry(e)).as("seed %d step %d", seed, step)
                            .isEqualTo(reference.remove(e));
                    case 3 -> {
                        if (!reference.isEmpty()) {
                            assertThat(list.remove(0)).isSameAs(reference.remove(0));
                        }
                    }
                    default -> {
                        int mod = 2 + random.nextInt(4);
                        assertThat(list.removeIf(x -> x.lastSeen % mod == 0))
                                .isEqualTo(reference.removeIf(x -> x.lastSeen % mod == 0));
                    }
                }
                assertThat(list).as("seed %d step %d", seed, step).containsExactlyElementsOf(reference);
                for (ContactEntry candidate : pool) {
                    ContactEntry expected = reference.contains(candidate) ? candidate : null;
                    assertThat(list.find(NodeId.fromHex(candidate.id().toHex())))
                            .as("seed %d step %d", seed, step).isSameAs(expected);
                }
            }
        }
    }

    private static ContactEntry entry(NodeId id, long seen) {
        ContactEntry e = new ContactEntry(new Contact(id, new InetSocketAddress("10.0.0.1", 6881)));
        e.lastSeen = seen;
        return e;
    }
}
