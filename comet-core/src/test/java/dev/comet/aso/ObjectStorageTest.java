package dev.comet.aso;

import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.storage.InMemoryStore;
import dev.comet.storage.StoreFullException;
import dev.comet.storage.StoreKeys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Objects read back as they were written, whoever last changed their record: the storage keeps the objects it last
 * decoded or wrote, and that must never hide a record changed in the store by anyone else, an expiry that moved, a
 * put the store refused or a delete.
 */
class ObjectStorageTest {
    private final InMemoryStore store = new InMemoryStore(100, 1 << 20);
    private final ObjectStorage objects = new ObjectStorage(store);
    private final NodeId key = NodeId.ofKey("object");

    private StoredObject object(String state, long expiresAt) {
        return new StoredObject(key, bytes("function onGet() return 1 end"), bytes(state), new ObjectMeta(5_000, true),
                8, expiresAt);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsBackWhatWasWrittenAndEachLaterWrite() {
        objects.put(object("one", 10_000));
        assertThat(objects.get(key, 0).orElseThrow().state()).isEqualTo(bytes("one"));
        objects.put(object("two", 10_000));
        StoredObject read = objects.get(key, 0).orElseThrow();
        assertThat(read.state()).isEqualTo(bytes("two"));
        assertThat(read.meta()).isEqualTo(new ObjectMeta(5_000, true));
        assertThat(read.replicas()).isEqualTo(8);
        assertThat(objects.get(key, 0).orElseThrow().state()).isEqualTo(bytes("two"));
    }

    @Test
    void aRecordChangedInTheStoreByAnotherWriterIsReadAsItIsNow() {
        objects.put(object("mine", 10_000));
        objects.get(key, 0);
        // the same object written through another storage on the same store (as another part of the node might)
        new ObjectStorage(store).put(object("theirs", 10_000));
        assertThat(objects.get(key, 0).orElseThrow().state()).isEqualTo(bytes("theirs"));
        new ObjectStorage(store).put(object("theirs", 20_000));
        assertThat(objects.get(key, 0).orElseThrow().expiresAtMillis()).isEqualTo(20_000);
        assertThat(objects.get(key, 15_000)).isPresent();
        assertThat(objects.get(key, 20_000)).as("expired").isEmpty();
    }

    @Test
    void aDeletedObjectAndARefusedPutLeaveNothingBehind() {
        objects.put(object("kept", 10_000));
        objects.get(key, 0);
        store.delete(StoreKeys.of(StoreKeys.OBJECT, key));
        assertThat(objects.get(key, 0)).as("deleted in the store directly").isEmpty();

        objects.put(object("kept", 10_000));
        assertThat(objects.delete(key)).isTrue();
        assertThat(objects.get(key, 0)).isEmpty();

        InMemoryStore small = new InMemoryStore(100, 200);
        ObjectStorage tight = new ObjectStorage(small);
        tight.put(object("small", 10_000));
        assertThatThrownBy(() -> tight.put(object("x".repeat(500), 10_000))).isInstanceOf(StoreFullException.class);
        assertThat(tight.get(key, 0).orElseThrow().state()).as("the refused put changed nothing")
                .isEqualTo(bytes("small"));
    }
}
