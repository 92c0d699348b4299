package dev.comet.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

import java.util.List;
import java.util.Map;

/**
 * Jazzer target for the bencode decoder: arbitrary bytes decode or fail with {@link BencodeException} only; what
 * decodes is the canonical encoding of its value (re-encoding gives the input back) and stays within the limits.
 */
@Tag("jazzer-decoder")
public class BencodeFuzzer {
    /** Tight limits, so that the fuzzer reaches each of them with short inputs. */
    private static final BencodeLimits SMALL = new BencodeLimits(4, 64, 2048, 48);

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] data) {
        check(data);
    }

    /** The target's check of one input, also {@link dev.comet.CoreFuzzer}'s for its selector byte. */
    public static void check(byte[] data) {
        Object small = decodeOrNull(data, SMALL);
        Object any = decodeOrNull(data, BencodeLimits.DEFAULT);
        if (small != null) {
            assertThat(any).as("what tight limits accept, the default ones accept").isNotNull();
            Shape shape = Shape.of(small);
            assertThat(shape.depth).isLessThanOrEqualTo(SMALL.maxDepth());
            assertThat(shape.items).isLessThanOrEqualTo(SMALL.maxItems());
            assertThat(shape.longestString).isLessThanOrEqualTo(SMALL.maxStringLength());
        }
        if (any != null) {
            assertThat(Bencode.encode(any)).as("the decoder accepts only canonical encodings").isEqualTo(data);
        }
    }

    private static Object decodeOrNull(byte[] data, BencodeLimits limits) {
        try {
            return Bencode.decode(data, limits);
        } catch (BencodeException e) {
            assertThat(e.offset()).as("a decode error names an offset in the input").isBetween(0, data.length);
            return null;
        }
    }

    /** What the limits bound in a decoded value: its nesting, its element count (keys included), its longest string. */
    private static final class Shape {
        int depth;
        int items;
        int longestString;

        static Shape of(Object value) {
            Shape s = new Shape();
            s.walk(value, 0);
            return s;
        }

        private void walk(Object v, int level) {
            items++;
            if (v instanceof byte[] b) {
                longestString = Math.max(longestString, b.length);
            } else if (v instanceof List<?> list) {
                depth = Math.max(depth, level + 1);
                list.forEach(e -> walk(e, level + 1));
            } else if (v instanceof Map<?, ?> map) {
                depth = Math.max(depth, level + 1);
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    items++;
                    longestString = Math.max(longestString, ((String) e.getKey()).length());
                    walk(e.getValue(), level + 1);
                }
            }
        }
    }
}
