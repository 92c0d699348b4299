package dev.comet.owned;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Update programs for random programs and inputs: the wire form round-trips and is canonical, decoding hostile bytes
 * gives a program or a CometException and nothing else, and applying a program follows the first-holding-clause rule
 * and never changes the value it is given. Tries are few (a node's decoder, not a parser, is what is fuzzed here;
 * BencodePropertiesTest fuzzes the parser), so the suite stays fast.
 */
class UpdateProgramPropertiesTest {
    private static final int TRIES = 300;
    /** Names of equal length, swapped into a valid encoding: well-formed bencode, confused operands. */
    private static final List<List<String>> SAME_LENGTH_NAMES = List.of(List.of("insert", "append", "delete"),
            List.of("version", "replace"), List.of("contains", "bytes-at", "truncate"));

    // ------------------------------------------------------------------ generators

    /** Bytes over a two-letter alphabet, so that guards on bytes hold about as often as they fail. */
    private static Arbitrary<byte[]> someBytes() {
        return Arbitraries.of((byte) 'a', (byte) 'b').array(byte[].class).ofMaxSize(3);
    }

    /** Mostly offsets near a small value's size, so guards hold and edits fit often; sometimes any long. */
    private static Arbitrary<Long> offsets() {
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.longs().between(0, 6)),
                Tuple.of(1, Arbitraries.longs().greaterOrEqual(0)));
    }

    private static Arbitrary<Guard> guards() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 3).map(Guard.VersionIs::new),
                offsets().map(Guard.SizeIs::new),
                Combinators.combine(offsets(), someBytes()).as(Guard.BytesAt::new),
                someBytes().map(Guard.Contains::new));
    }

    private static Arbitrary<Edit> edits() {
        return Arbitraries.oneOf(
                Combinators.combine(offsets(), someBytes()).as(Edit.Replace::new),
                Combinators.combine(offsets(), someBytes()).as(Edit.Insert::new),
                Combinators.combine(offsets(), offsets()).as(Edit.Delete::new),
                someBytes().map(Edit.Append::new),
                offsets().map(Edit.Truncate::new));
    }

    @Provide
    Arbitrary<UpdateProgram> programs() {
        Arbitrary<Clause> clauses = Combinators.combine(guards().list().ofMaxSize(2), edits().list().ofMinSize(1).ofMaxSize(3))
                .as(Clause::new);
        return clauses.list().ofMinSize(1).ofMaxSize(4).map(UpdateProgram::new);
    }

    @Provide
    Arbitrary<byte[]> values() {
        return Arbitraries.of((byte) 'a', (byte) 'b').array(byte[].class).ofMaxSize(6);
    }

    /**
     * One change to an encoding: a byte flipped, inserted or removed, the tail cut, one name swapped for another of its
     * length, or an integer made negative. The last two keep the bencode well formed, so the program's own checks run.
     */
    record Mutation(int kind, int position, byte b, int names) {
        byte[] apply(byte[] in) {
            int n = in.length;
            int at = n == 0 ? 0 : position % n;
            switch (kind) {
                case 0:
                    if (n > 0) {
                        byte[] out = in.clone();
                        out[at] = b;
                        return out;
                    }
                    return in;
                case 1: {
                    byte[] out = new byte[n + 1];
                    int p = position % (n + 1);
                    System.arraycopy(in, 0, out, 0, p);
                    out[p] = b;
                    System.arraycopy(in, p, out, p + 1, n - p);
                    return out;
                }
                case 2:
                    if (n > 0) {
                        byte[] out = new byte[n - 1];
                        System.arraycopy(in, 0, out, 0, at);
                        System.arraycopy(in, at + 1, out, at, n - 1 - at);
                        return out;
                    }
                    return in;
                case 3:
                    return Arrays.copyOf(in, position % (n + 1));
                case 4:
                    return swapName(in);
                default:
                    return negateAnInteger(in);
            }
        }

        /** Puts a minus sign into one of the integers ("i" and a digit other than 0), chosen by {@code names}. */
        private byte[] negateAnInteger(byte[] in) {
            String text = new String(in, ISO_8859_1);
            Matcher m = Pattern.compile("i[1-9]").matcher(text);
            List<Integer> starts = new ArrayList<>();
            while (m.find()) {
                starts.add(m.start());
            }
            if (starts.isEmpty()) {
                return in;
            }
            int at = starts.get(names % starts.size()) + 1;
            return (text.substring(0, at) + "-" + text.substring(at)).getBytes(ISO_8859_1);
        }

        private byte[] swapName(byte[] in) {
            List<String> group = SAME_LENGTH_NAMES.get(names % SAME_LENGTH_NAMES.size());
            String text = new String(in, ISO_8859_1);
            for (String from : group) {
                int i = text.indexOf(from);
                if (i >= 0) {
                    String to = group.get((group.indexOf(from) + 1 + names) % group.size());
                    return (text.substring(0, i) + to + text.substring(i + from.length())).getBytes(ISO_8859_1);
                }
            }
            return in;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 'i', (byte) 'l', (byte) 'd', (byte) 'e', (byte) ':',
                (byte) '-', (byte) '0', (byte) '1', (byte) '9');
        Arbitrary<Integer> kinds = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.integers().between(0, 3)),
                Tuple.of(2, Arbitraries.just(4)), Tuple.of(3, Arbitraries.just(5)));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 1 << 20),
                        Arbitraries.oneOf(interesting, Arbitraries.bytes()), Arbitraries.integers().between(0, 100))
                .as(Mutation::new)
                .list().ofMinSize(1).ofMaxSize(3);
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = TRIES)
    void decodeInvertsEncode(@ForAll("programs") UpdateProgram p) {
        byte[] wire = p.encode();
        UpdateProgram back = UpdateProgram.decode(wire);

        assertThat(back).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(back.encode()).isEqualTo(wire);
        assertThat(back.describe()).isEqualTo(p.describe());
    }

    @Property(tries = TRIES)
    void randomBytesGiveAProgramOrACometException(@ForAll @Size(max = 64) byte[] input) {
        checkDecodeIsTotalAndCanonical(input);
    }

    @Property(tries = TRIES)
    void mutatedEncodingsGiveAProgramOrACometException(@ForAll("programs") UpdateProgram p,
                                                       @ForAll("mutations") List<Mutation> ms) {
        byte[] input = p.encode();
        for (Mutation m : ms) {
            input = m.apply(input);
        }
        Statistics.collect(checkDecodeIsTotalAndCanonical(input));
        // the mutations must reach the program's own checks, not only the bencode parser's
        Statistics.coverage(c -> {
            c.check("a program").count(n -> n > 0);
            c.check("348 UPDATE_INVALID").count(n -> n > 0);
            c.check("203 PROTOCOL").count(n -> n > 0);
        });
    }

    @Property(tries = TRIES)
    void theFirstHoldingClauseIsAppliedOrTheUpdateAbortsOrFailsCleanly(@ForAll("programs") UpdateProgram p,
            @ForAll @IntRange(min = 0, max = 3) int version, @ForAll("values") byte[] value,
            @ForAll @IntRange(min = 0, max = 16) int maxValueBytes) {
        byte[] before = value.clone();
        int holding = -1;
        for (int i = 0; i < p.clauses().size() && holding < 0; i++) {
            holding = p.clauses().get(i).holds(version, value) ? i : -1;
        }
        String outcome;
        try {
            UpdateProgram.Outcome o = p.apply(version, value, maxValueBytes);
            outcome = o.applied() ? "applied" : "aborted";
            assertThat(o.clause()).isEqualTo(holding);
            if (holding < 0) {
                assertThat(o.value()).isEqualTo(before);
            } else {
                assertThat(o.value()).isEqualTo(p.clauses().get(holding).applyTo(value)).hasSizeLessThanOrEqualTo(maxValueBytes);
            }
        } catch (CometException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.UPDATE_INVALID);
            assertThat(holding).as("only an applied clause can fail").isNotNegative();
            outcome = "failed";
        }
        Statistics.collect(outcome);
        Statistics.coverage(c -> {
            c.check("applied").percentage(pc -> pc > 5);
            c.check("aborted").percentage(pc -> pc > 10);
            c.check("failed").percentage(pc -> pc > 5);
        });
        assertThat(value).as("the value given is never changed").isEqualTo(before);
    }

    /**
     * Decoding gives a program whose encoding is exactly the input (one program, one encoding) or a CometException;
     * returns which, for the statistics.
     */
    private static String checkDecodeIsTotalAndCanonical(byte[] input) {
        UpdateProgram p;
        try {
            p = UpdateProgram.decode(input);
        } catch (CometException expected) {
            assertThat(expected.code()).isIn(ErrorCode.PROTOCOL, ErrorCode.UPDATE_INVALID);
            assertThat(expected.getMessage()).isNotBlank();
            return expected.code().code() + " " + expected.code();
        } catch (Throwable t) {
            return fail("decode threw " + t + " instead of a CometException for " + new String(input, ISO_8859_1), t);
        }
        assertThat(p.encode()).as("strict decoding means one encoding per program").isEqualTo(input);
        return "a program";
    }
}
