package dev.comet.owned;

import static dev.comet.owned.GuardTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each edit on its own: the bytes it leaves, its boundaries (offset = size, empty data, truncate 0) and its refusals. */
class EditTest {
    private static final byte[] VALUE = bytes("hello");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String after(Edit e, String value) {
        return new String(e.applyTo(bytes(value)), StandardCharsets.UTF_8);
    }

    @Test
    void replaceOverwritesInPlace() {
        assertThat(after(new Edit.Replace(0, bytes("J")), "hello")).isEqualTo("Jello");
        assertThat(after(new Edit.Replace(3, bytes("p!")), "hello")).as("up to the last byte").isEqualTo("help!");
        assertThat(after(new Edit.Replace(5, new byte[0]), "hello")).as("nothing at offset = size").isEqualTo("hello");
        assertThat(after(new Edit.Replace(0, new byte[0]), "")).isEmpty();
    }

    @Test
    void replaceMustFitInsideTheValue() {
        assertRefused(() -> new Edit.Replace(4, bytes("p!")).applyTo(VALUE),
                "cannot replace 2 bytes at offset 4: the value is 5 bytes");
        assertRefused(() -> new Edit.Replace(6, new byte[0]).applyTo(VALUE), "at offset 6: the value is 5 bytes");
        assertRefused(() -> new Edit.Replace(0, bytes("hello!")).applyTo(VALUE), "the value is 5 bytes");
        assertRefused(() -> new Edit.Replace(Long.MAX_VALUE, bytes("x")).applyTo(VALUE), "the value is 5 bytes");
    }

    @Test
    void insertPutsDataBeforeTheByteAtOffset() {
        assertThat(after(new Edit.Insert(0, bytes(">")), "hello")).isEqualTo(">hello");
        assertThat(after(new Edit.Insert(2, bytes("--")), "hello")).isEqualTo("he--llo");
        assertThat(after(new Edit.Insert(5, bytes("!")), "hello")).as("offset = size appends").isEqualTo("hello!");
        assertThat(after(new Edit.Insert(3, new byte[0]), "hello")).isEqualTo("hello");
        assertThat(after(new Edit.Insert(0, bytes("x")), "")).isEqualTo("x");
    }

    @Test
    void insertPastTheEndIsRefused() {
        assertRefused(() -> new Edit.Insert(6, bytes("x")).applyTo(VALUE), "cannot insert at offset 6: the value is 5 bytes");
        assertRefused(() -> new Edit.Insert(1, bytes("x")).applyTo(new byte[0]), "the value is 0 bytes");
    }

    @Test
    void deleteRemovesARangeInside() {
        assertThat(after(new Edit.Delete(0, 1), "hello")).isEqualTo("ello");
        assertThat(after(new Edit.Delete(1, 3), "hello")).isEqualTo("ho");
        assertThat(after(new Edit.Delete(3, 2), "hello")).as("up to the end").isEqualTo("hel");
        assertThat(after(new Edit.Delete(0, 5), "hello")).isEmpty();
        assertThat(after(new Edit.Delete(5, 0), "hello")).as("nothing at offset = size").isEqualTo("hello");
    }

    @Test
    void deleteMustStayInsideTheValue() {
        assertRefused(() -> new Edit.Delete(3, 3).applyTo(VALUE), "cannot delete 3 bytes at offset 3: the value is 5 bytes");
        assertRefused(() -> new Edit.Delete(6, 0).applyTo(VALUE), "the value is 5 bytes");
        assertRefused(() -> new Edit.Delete(1, Long.MAX_VALUE).applyTo(VALUE), "the value is 5 bytes");
    }

    @Test
    void appendAddsAtTheEndOfAnyValue() {
        assertThat(after(new Edit.Append(bytes(" world")), "hello")).isEqualTo("hello world");
        assertThat(after(new Edit.Append(bytes("x")), "")).isEqualTo("x");
        assertThat(after(new Edit.Append(new byte[0]), "hello")).isEqualTo("hello");
    }

    @Test
    void truncateKeepsTheFirstBytes() {
        assertThat(after(new Edit.Truncate(2), "hello")).isEqualTo("he");
        assertThat(after(new Edit.Truncate(5), "hello")).as("to the size: unchanged").isEqualTo("hello");
        assertThat(after(new Edit.Truncate(0), "hello")).isEmpty();
        assertThat(after(new Edit.Truncate(0), "")).isEmpty();
    }

    @Test
    void truncateCannotGrowTheValue() {
        assertRefused(() -> new Edit.Truncate(6).applyTo(VALUE), "cannot truncate to 6 bytes: the value is 5 bytes");
    }

    @Test
    void anEditNeverChangesTheValueItIsGiven() {
        byte[] value = bytes("hello");
        for (Edit e : new Edit[] {new Edit.Replace(0, bytes("J")), new Edit.Insert(1, bytes("x")), new Edit.Delete(0, 2),
                new Edit.Append(bytes("!")), new Edit.Truncate(1), new Edit.Truncate(5), new Edit.Append(new byte[0])}) {
            assertThat(e.applyTo(value)).as("%s", e).isNotSameAs(value);
            assertThat(value).as("%s", e).isEqualTo(bytes("hello"));
        }
    }

    @Test
    void negativeNumbersAndMissingDataAreRefused() {
        assertRefused(() -> new Edit.Replace(-1, bytes("a")), "a replace edit's offset must not be negative, got -1");
        assertRefused(() -> new Edit.Insert(-1, bytes("a")), "an insert edit's offset must not be negative, got -1");
        assertRefused(() -> new Edit.Delete(-1, 1), "a delete edit's offset must not be negative");
        assertRefused(() -> new Edit.Delete(0, -1), "a delete edit's length must not be negative");
        assertRefused(() -> new Edit.Truncate(-1), "a truncate edit's length must not be negative");
        assertRefused(() -> new Edit.Append(null), "an append edit's data are missing");
        assertRefused(() -> new Edit.Replace(0, null), "a replace edit's data are missing");
        assertRefused(() -> new Edit.Insert(0, null), "an insert edit's data are missing");
    }

    @Test
    void editsWithDataAreEqualByContent() {
        assertThat(new Edit.Replace(1, bytes("a"))).isEqualTo(new Edit.Replace(1, bytes("a")))
                .hasSameHashCodeAs(new Edit.Replace(1, bytes("a"))).isNotEqualTo(new Edit.Insert(1, bytes("a")));
        assertThat(new Edit.Insert(1, bytes("a"))).isEqualTo(new Edit.Insert(1, bytes("a")))
                .hasSameHashCodeAs(new Edit.Insert(1, bytes("a"))).isNotEqualTo(new Edit.Insert(2, bytes("a")));
        assertThat(new Edit.Append(bytes("a"))).isEqualTo(new Edit.Append(bytes("a")))
                .hasSameHashCodeAs(new Edit.Append(bytes("a"))).isNotEqualTo(new Edit.Append(bytes("b")))
                .hasToString("Append[data=61]");
    }

    @Test
    void describeNamesTheEditAndItsSizes() {
        assertThat(new Edit.Replace(5, bytes("abc")).describe()).isEqualTo("replace 3 bytes at 5");
        assertThat(new Edit.Insert(0, bytes("ab")).describe()).isEqualTo("insert 2 bytes at 0");
        assertThat(new Edit.Delete(2, 4).describe()).isEqualTo("delete 4 bytes at 2");
        assertThat(new Edit.Append(bytes("hello")).describe()).isEqualTo("append 5 bytes");
        assertThat(new Edit.Truncate(4).describe()).isEqualTo("truncate to 4 bytes");
    }
}
