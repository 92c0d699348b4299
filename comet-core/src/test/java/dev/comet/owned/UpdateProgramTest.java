package dev.comet.owned;

import static dev.comet.owned.GuardTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs as a whole: which clause applies, aborts, atomic failure, the size limit, bounds and descriptions. */
class UpdateProgramTest {
    private static final byte[] VALUE = bytes("hello");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Clause clause(List<Guard> when, Edit... then) {
        return new Clause(when, List.of(then));
    }

    @Test
    void theFirstClauseWhoseGuardsAllHoldIsAppliedAndNoOther() {
        UpdateProgram p = new UpdateProgram(List.of(
                clause(List.of(new Guard.VersionIs(2)), new Edit.Append(bytes(" v2"))),
                clause(List.of(new Guard.VersionIs(3), new Guard.SizeIs(4)), new Edit.Append(bytes(" size 4"))),
                clause(List.of(new Guard.VersionIs(3), new Guard.Contains(bytes("ell"))), new Edit.Append(bytes(" ell"))),
                clause(List.of(), new Edit.Append(bytes(" always")))));

        UpdateProgram.Outcome o = p.apply(3, VALUE, 100);

        assertThat(o.clause()).as("clause 1 needs version 2, clause 2 size 4").isEqualTo(2);
        assertThat(o.applied()).isTrue();
        assertThat(new String(o.value(), StandardCharsets.UTF_8)).isEqualTo("hello ell");
        assertThat(p.apply(2, VALUE, 100).clause()).isZero();
        assertThat(p.apply(9, VALUE, 100).clause()).as("an empty guard list always holds").isEqualTo(3);
    }

    @Test
    void aClausesEditsApplyInOrderEachToWhatThePreviousLeft() {
        UpdateProgram p = UpdateProgram.of(List.of(), List.of(new Edit.Append(bytes(" world")), new Edit.Delete(0, 6),
                new Edit.Insert(0, bytes("brave ")), new Edit.Replace(0, bytes("B")), new Edit.Truncate(5)));

        assertThat(new String(p.apply(0, VALUE, 100).value(), StandardCharsets.UTF_8)).isEqualTo("Brave");
    }

    @Test
    void whenNoClauseHoldsTheUpdateAbortsWithTheValueUnchanged() {
        UpdateProgram p = new UpdateProgram(List.of(
                clause(List.of(new Guard.VersionIs(1)), new Edit.Truncate(0)),
                clause(List.of(new Guard.BytesAt(0, bytes("J"))), new Edit.Truncate(0))));

        UpdateProgram.Outcome o = p.apply(7, VALUE, 100);

        assertThat(o).isEqualTo(new UpdateProgram.Outcome(UpdateProgram.Outcome.ABORTED, bytes("hello")));
        assertThat(o.clause()).isEqualTo(-1);
        assertThat(o.applied()).isFalse();
    }

    @Test
    void anEditOutOfRangeFailsTheWholeUpdateAndChangesNothing() {
        byte[] value = bytes("hello");
        UpdateProgram p = new UpdateProgram(List.of(
                clause(List.of(new Guard.SizeIs(5)), new Edit.Append(bytes("!")), new Edit.Delete(4, 5)),
                clause(List.of(), new Edit.Append(bytes("never")))));

        assertRefused(() -> p.apply(0, value, 100), "cannot delete 5 bytes at offset 4: the value is 6 bytes");
        assertThat(value).as("the value given").isEqualTo(bytes("hello"));
    }

    @Test
    void aResultOverTheLimitIsRefusedAndOneAtItIsNot() {
        UpdateProgram p = UpdateProgram.of(List.of(new Guard.VersionIs(1)), List.of(new Edit.Append(bytes("!!"))));

        assertThat(p.apply(1, VALUE, 7).value()).hasSize(7);
        assertRefused(() -> p.apply(1, VALUE, 6), "clause 1 (if version=1: append 2 bytes) would make the value 7 bytes; at most 6");
    }

    @Test
    void theLimitAppliesToTheResultNotToTheWayThere() {
        UpdateProgram p = UpdateProgram.of(List.of(), List.of(new Edit.Append(bytes("0123456789")), new Edit.Truncate(5)));

        assertThat(p.apply(0, VALUE, 5).value()).isEqualTo(bytes("hello"));
    }

    @Test
    void anAbortIsNotCheckedAgainstTheLimit() {
        UpdateProgram p = UpdateProgram.of(List.of(new Guard.SizeIs(0)), List.of(new Edit.Append(bytes("x"))));

        assertThat(p.apply(0, VALUE, 1).applied()).as("a value already over a lowered limit can still be guarded").isFalse();
    }

    @Test
    void aProgramHasOneToSixteenClausesAndEachAtMostSixteenGuardsAndOneToSixteenEdits() {
        Clause one = clause(List.of(), new Edit.Truncate(0));
        assertThat(new UpdateProgram(Collections.nCopies(UpdateProgram.MAX_CLAUSES, one)).clauses()).hasSize(16);
        assertRefused(() -> new UpdateProgram(List.of()), "an update program has 0 clauses; it needs 1 to 16");
        assertRefused(() -> new UpdateProgram(Collections.nCopies(17, one)), "has 17 clauses; it needs 1 to 16");

        assertThat(new Clause(Collections.nCopies(Clause.MAX_GUARDS, new Guard.SizeIs(1)),
                Collections.nCopies(Clause.MAX_EDITS, new Edit.Truncate(0)))).isNotNull();
        assertRefused(() -> new Clause(Collections.nCopies(17, new Guard.SizeIs(1)), List.of(new Edit.Truncate(0))),
                "a clause has 17 guards; at most 16");
        assertRefused(() -> new Clause(List.of(), List.of()), "a clause has 0 edits; it needs 1 to 16");
        assertRefused(() -> new Clause(List.of(), Collections.nCopies(17, new Edit.Truncate(0))), "17 edits");
    }

    @Test
    void missingPartsAreRefusedNotThrownAsNullPointers() {
        assertRefused(() -> new UpdateProgram(null), "needs its clauses");
        assertRefused(() -> new UpdateProgram(Collections.singletonList(null)), "clauses must all be given");
        assertRefused(() -> new Clause(null, List.of(new Edit.Truncate(0))), "must all be given");
        assertRefused(() -> new Clause(Collections.singletonList(null), List.of(new Edit.Truncate(0))), "must all be given");
        assertRefused(() -> new Clause(List.of(), Collections.singletonList(null)), "must all be given");
        assertThatThrownBy(() -> UpdateProgram.of(List.of(), List.of(new Edit.Truncate(0))).apply(0, null, 10))
                .isInstanceOfSatisfying(CometException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT));
    }

    @Test
    void theClausesAreCopiedSoTheProgramCannotChangeAfterItIsBuilt() {
        List<Edit> edits = new java.util.ArrayList<>(List.of(new Edit.Truncate(0)));
        UpdateProgram p = UpdateProgram.of(List.of(), edits);
        edits.add(new Edit.Append(bytes("x")));

        assertThat(p.clauses().get(0).then()).hasSize(1);
    }

    @Test
    void describeIsOneLineOfClausesInOrder() {
        UpdateProgram p = new UpdateProgram(List.of(
                clause(List.of(new Guard.VersionIs(3), new Guard.SizeIs(10)), new Edit.Append(bytes("hello"))),
                clause(List.of(), new Edit.Truncate(0), new Edit.Append(bytes("x")))));

        assertThat(p.describe()).isEqualTo("if version=3 and size=10: append 5 bytes; else always: truncate to 0 bytes, "
                + "then append 1 byte");
    }
}
