package dev.comet.owned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each guard on its own: what holds, at the value's edges, and what cannot be built. */
class GuardTest {
    private static final byte[] VALUE = bytes("hello world");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void versionIsComparesTheVersionOnly() {
        assertThat(new Guard.VersionIs(3).holds(3, VALUE)).isTrue();
        assertThat(new Guard.VersionIs(3).holds(4, VALUE)).isFalse();
        assertThat(new Guard.VersionIs(0).holds(0, new byte[0])).isTrue();
    }

    @Test
    void sizeIsComparesTheValuesLength() {
        assertThat(new Guard.SizeIs(11).holds(0, VALUE)).isTrue();
        assertThat(new Guard.SizeIs(10).holds(0, VALUE)).isFalse();
        assertThat(new Guard.SizeIs(0).holds(0, new byte[0])).isTrue();
        assertThat(new Guard.SizeIs(Long.MAX_VALUE).holds(0, VALUE)).isFalse();
    }

    @Test
    void bytesAtHoldsForExactlyThoseBytesThere() {
        assertThat(new Guard.BytesAt(0, bytes("hello")).holds(0, VALUE)).isTrue();
        assertThat(new Guard.BytesAt(6, bytes("world")).holds(0, VALUE)).isTrue();
        assertThat(new Guard.BytesAt(5, bytes("world")).holds(0, VALUE)).isFalse();
        assertThat(new Guard.BytesAt(0, bytes("Hello")).holds(0, VALUE)).isFalse();
    }

    @Test
    void bytesAtPastTheEndDoesNotHoldAndNeverFails() {
        assertThat(new Guard.BytesAt(7, bytes("world")).holds(0, VALUE)).as("one byte past the end").isFalse();
        assertThat(new Guard.BytesAt(11, bytes("x")).holds(0, VALUE)).isFalse();
        assertThat(new Guard.BytesAt(Long.MAX_VALUE, bytes("x")).holds(0, VALUE)).isFalse();
        assertThat(new Guard.BytesAt(0, bytes("hello world!")).holds(0, VALUE)).isFalse();
    }

    @Test
    void emptyBytesAtHoldAnywhereInsideOrAtTheEnd() {
        assertThat(new Guard.BytesAt(11, new byte[0]).holds(0, VALUE)).as("offset = size").isTrue();
        assertThat(new Guard.BytesAt(12, new byte[0]).holds(0, VALUE)).isFalse();
        assertThat(new Guard.BytesAt(0, new byte[0]).holds(0, new byte[0])).isTrue();
    }

    @Test
    void containsSearchesTheWholeValue() {
        assertThat(new Guard.Contains(bytes("hello")).holds(0, VALUE)).as("at the start").isTrue();
        assertThat(new Guard.Contains(bytes("o w")).holds(0, VALUE)).isTrue();
        assertThat(new Guard.Contains(bytes("world")).holds(0, VALUE)).as("at the end").isTrue();
        assertThat(new Guard.Contains(bytes("worlds")).holds(0, VALUE)).isFalse();
        assertThat(new Guard.Contains(bytes("hello world and more")).holds(0, VALUE)).isFalse();
        assertThat(new Guard.Contains(new byte[0]).holds(0, new byte[0])).as("nothing is in every value").isTrue();
        assertThat(new Guard.Contains(bytes("x")).holds(0, new byte[0])).isFalse();
    }

    @Test
    void negativeNumbersAndMissingBytesAreRefused() {
        assertRefused(() -> new Guard.VersionIs(-1), "version must not be negative, got -1");
        assertRefused(() -> new Guard.SizeIs(-2), "size must not be negative, got -2");
        assertRefused(() -> new Guard.BytesAt(-1, bytes("a")), "offset must not be negative, got -1");
        assertRefused(() -> new Guard.BytesAt(0, null), "bytes are missing");
        assertRefused(() -> new Guard.Contains(null), "bytes are missing");
    }

    @Test
    void guardsWithBytesAreEqualByContent() {
        assertThat(new Guard.BytesAt(1, bytes("ab"))).isEqualTo(new Guard.BytesAt(1, bytes("ab")))
                .hasSameHashCodeAs(new Guard.BytesAt(1, bytes("ab")))
                .isNotEqualTo(new Guard.BytesAt(2, bytes("ab")))
                .hasToString("BytesAt[offset=1, bytes=6162]");
        assertThat(new Guard.Contains(bytes("ab"))).isEqualTo(new Guard.Contains(bytes("ab")))
                .hasSameHashCodeAs(new Guard.Contains(bytes("ab")))
                .isNotEqualTo(new Guard.Contains(bytes("abc")));
    }

    @Test
    void describeShowsShortBytesWhole() {
        assertThat(new Guard.VersionIs(3).describe()).isEqualTo("version=3");
        assertThat(new Guard.SizeIs(10).describe()).isEqualTo("size=10");
        assertThat(new Guard.BytesAt(5, bytes("abc")).describe()).isEqualTo("bytes at 5 = 0x616263");
        assertThat(new Guard.Contains(new byte[40]).describe())
                .isEqualTo("contains 0x" + "00".repeat(Guard.DESCRIBED_BYTES) + "… (40 bytes)");
    }

    static void assertRefused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CometException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UPDATE_INVALID)).hasMessageContaining(message);
    }
}
