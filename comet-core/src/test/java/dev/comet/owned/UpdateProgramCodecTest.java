package dev.comet.owned;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of update programs (docs/protocol.md §3.10) byte for byte, and what strict decoding refuses. */
class UpdateProgramCodecTest {
    private static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static void assertDecodeRefused(String wire, ErrorCode code, String message) {
        assertThatThrownBy(() -> UpdateProgram.decode(b(wire))).as(wire)
                .isInstanceOfSatisfying(CometException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    @Test
    void aProgramIsAListOfClauseDictionariesOfNamedGuardsAndEdits() {
        UpdateProgram p = new UpdateProgram(List.of(
                new Clause(List.of(new Guard.VersionIs(3), new Guard.SizeIs(10)), List.of(new Edit.Append(b("abc")))),
                new Clause(List.of(), List.of(new Edit.Truncate(0)))));

        assertThat(new String(p.encode(), ISO_8859_1)).isEqualTo(
                "ld2:doll6:append3:abcee2:ifll7:versioni3eel4:sizei10eeee" + "d2:doll8:truncatei0eee2:iflee" + "e");
    }

    @Test
    void everyGuardAndEditHasItsName() {
        UpdateProgram p = UpdateProgram.of(
                List.of(new Guard.BytesAt(5, b("ab")), new Guard.Contains(b("x"))),
                List.of(new Edit.Replace(1, b("r")), new Edit.Insert(2, b("i")), new Edit.Delete(3, 4)));

        assertThat(new String(p.encode(), ISO_8859_1)).isEqualTo("ld2:doll7:replacei1e1:rel6:inserti2e1:iel6:deletei3ei4ee"
                + "e2:ifll8:bytes-ati5e2:abel8:contains1:xeeee");
        assertThat(UpdateProgram.decode(p.encode())).isEqualTo(p);
    }

    /** A program's wire form around the encoded clauses. */
    private static String program(String... clauses) {
        return "l" + String.join("", clauses) + "e";
    }

    /** A clause's wire form around its encoded edits and guards. */
    private static String clause(String edits, String guards) {
        return "d2:dol" + edits + "e2:ifl" + guards + "ee";
    }

    private static final String TRUNCATE = "l8:truncatei0ee";

    @Test
    void malformedProgramsAreProtocolErrors() {
        assertDecodeRefused("", ErrorCode.PROTOCOL, "bencode: empty input");
        assertDecodeRefused("i3e", ErrorCode.PROTOCOL, "must be a list of clauses");
        assertDecodeRefused(program("i3e"), ErrorCode.PROTOCOL, "clause 1 must be a dictionary of exactly \"if\"");
        assertDecodeRefused(program("d2:dol" + TRUNCATE + "ee"), ErrorCode.PROTOCOL, "clause 1 must be a dictionary");
        assertDecodeRefused(program("d2:dol" + TRUNCATE + "e2:ifle1:xi0ee"), ErrorCode.PROTOCOL, "clause 1 must be a dictionary");
        assertDecodeRefused(program("d2:doi0e2:iflee"), ErrorCode.PROTOCOL, "clause 1 must be a dictionary");
        assertDecodeRefused(program(clause(TRUNCATE, ""), "d2:do" + TRUNCATE + "2:iflee"), ErrorCode.PROTOCOL,
                "clause 2, edit 1 must be a list starting with its name"); // "do" holds one edit, not a list of them
        assertDecodeRefused(program(clause("li1ee", "")), ErrorCode.PROTOCOL, "clause 1, edit 1 must be a list starting with its name");
        assertDecodeRefused(program(clause("le", "")), ErrorCode.PROTOCOL, "clause 1, edit 1 must be a list starting with its name");
        assertDecodeRefused(program(clause("6:append", "")), ErrorCode.PROTOCOL, "clause 1, edit 1 must be a list");
        assertDecodeRefused(program(clause("l4:growi1ee", "")), ErrorCode.PROTOCOL, "clause 1, edit 1: unknown edit 'grow'");
        assertDecodeRefused(program(clause(TRUNCATE, "l3:agei1ee")), ErrorCode.PROTOCOL, "clause 1, guard 1: unknown guard 'age'");
        assertDecodeRefused(program(clause(TRUNCATE + "l8:truncate1:0e", "")), ErrorCode.PROTOCOL,
                "clause 1, edit 2: 'truncate' takes 1 operands; operand 1 is an integer");
        assertDecodeRefused(program(clause("l8:truncatei0ei1ee", "")), ErrorCode.PROTOCOL, "'truncate' takes 1 operands");
        assertDecodeRefused(program(clause("l6:appendi1ee", "")), ErrorCode.PROTOCOL, "operand 1 is a byte string");
        assertDecodeRefused(program(clause("l6:append1:xe", "l8:bytes-ati0ee")), ErrorCode.PROTOCOL,
                "clause 1, guard 1: 'bytes-at' takes 2 operands; operand 1 is an integer");
        assertDecodeRefused(program(clause("l6:append1:xe", "l8:bytes-at1:0i0ee")), ErrorCode.PROTOCOL,
                "operand 1 is an integer");
        assertDecodeRefused(program(clause(TRUNCATE, "")) + "e", ErrorCode.PROTOCOL, "bencode: 1 trailing bytes");
    }

    @Test
    void aNonCanonicalEncodingIsRefused() {
        assertDecodeRefused(program("d2:ifle2:dol" + TRUNCATE + "ee"), ErrorCode.PROTOCOL, "dictionary keys not in sorted order");
        assertDecodeRefused(program(clause("l8:truncatei00ee", "")), ErrorCode.PROTOCOL, "leading zero");
    }

    @Test
    void wellFormedProgramsOutOfBoundsAreInvalidUpdates() {
        assertDecodeRefused(program(), ErrorCode.UPDATE_INVALID, "an update program has 0 clauses; it needs 1 to 16");
        assertDecodeRefused(program(clause(TRUNCATE, "").repeat(17)), ErrorCode.UPDATE_INVALID, "17 clauses");
        assertDecodeRefused(program(clause("", "")), ErrorCode.UPDATE_INVALID, "clause 1: a clause has 0 edits; it needs 1 to 16");
        assertDecodeRefused(program(clause("l8:truncatei-1ee", "")), ErrorCode.UPDATE_INVALID,
                "clause 1, edit 1: a truncate edit's length must not be negative, got -1");
        assertDecodeRefused(program(clause(TRUNCATE, ""), clause("l6:append0:e", "l7:versioni-3ee")), ErrorCode.UPDATE_INVALID,
                "clause 2, guard 1: a version guard's version must not be negative, got -3");
        assertDecodeRefused(program(clause(TRUNCATE, "l4:sizei1ee".repeat(17))), ErrorCode.UPDATE_INVALID,
                "clause 1: a clause has 17 guards; at most 16");
        assertDecodeRefused(program(clause(TRUNCATE.repeat(17), "")), ErrorCode.UPDATE_INVALID,
                "clause 1: a clause has 17 edits; it needs 1 to 16");
    }

    @Test
    void theLimitsThemselvesDecode() {
        String full = clause(TRUNCATE.repeat(Clause.MAX_EDITS), "l4:sizei1ee".repeat(Clause.MAX_GUARDS));
        UpdateProgram p = UpdateProgram.decode(b(program(full.repeat(UpdateProgram.MAX_CLAUSES))));

        assertThat(p.clauses()).hasSize(16).allSatisfy(c -> assertThat(c.when()).hasSize(16));
        assertThat(new String(p.encode(), ISO_8859_1)).isEqualTo(program(full.repeat(UpdateProgram.MAX_CLAUSES)));
    }

    @Test
    void anUnprintableNameIsShownSafelyAndShort() {
        assertDecodeRefused(program(clause("l3:\u0001\u00ffxi1ee", "")), ErrorCode.PROTOCOL, "unknown edit '??x'");
        assertDecodeRefused(program(clause("l40:" + "y".repeat(40) + "i1ee", "")), ErrorCode.PROTOCOL,
                "unknown edit '" + "y".repeat(24) + "…'");
    }

    @Test
    void noBytesAreNoProgram() {
        assertThatThrownBy(() -> UpdateProgram.decode(null)).isInstanceOfSatisfying(CometException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL));
    }
}
