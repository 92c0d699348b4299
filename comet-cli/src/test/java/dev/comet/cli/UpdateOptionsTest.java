package dev.comet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.owned.Clause;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.UpdateProgram;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard and edit flags of {@code comet update}: the one clause they build, and the bad input they refuse. */
class UpdateOptionsTest {
    /** A command that holds only the mixin, as {@code comet update} will, beside its own options. */
    @CommandLine.Command(name = "update")
    static final class Probe {
        @CommandLine.Mixin
        UpdateOptions update = new UpdateOptions();
    }

    private static UpdateProgram program(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.update.program();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertBadInput(String message, String... args) {
        assertThatThrownBy(() -> program(args)).isInstanceOfSatisfying(CometException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT)).hasMessageContaining(message);
    }

    @Test
    void eachEditFlagIsOneEditInOneUnguardedClause() {
        assertThat(program("--append", "hi")).isEqualTo(UpdateProgram.of(List.of(), List.of(new Edit.Append(utf8("hi")))));
        assertThat(program("--replace", "5:abc").clauses().get(0).then()).containsExactly(new Edit.Replace(5, utf8("abc")));
        assertThat(program("--insert", "0:>").clauses().get(0).then()).containsExactly(new Edit.Insert(0, utf8(">")));
        assertThat(program("--delete", "2:4").clauses().get(0).then()).containsExactly(new Edit.Delete(2, 4));
        assertThat(program("--truncate", "0").clauses().get(0).then()).containsExactly(new Edit.Truncate(0));
    }

    @Test
    void dataIsUtf8TextAndMayHoldColonsOrBeEmpty() {
        assertThat(program("--append", "é").clauses().get(0).then()).containsExactly(new Edit.Append(new byte[] {(byte) 0xc3, (byte) 0xa9}));
        assertThat(program("--replace", "1:a:b").clauses().get(0).then()).containsExactly(new Edit.Replace(1, utf8("a:b")));
        assertThat(program("--insert", "3:").clauses().get(0).then()).containsExactly(new Edit.Insert(3, new byte[0]));
        assertThat(program("--append", "").clauses().get(0).then()).containsExactly(new Edit.Append(new byte[0]));
    }

    @Test
    void repeatedGuardFlagsAreAllRequiredCheapestFirst() {
        Clause c = program("--if-contains", "6869", "--if-version", "3", "--if-bytes", "0:FF00", "--if-size", "10",
                "--if-version", "4", "--append", "x").clauses().get(0);

        assertThat(c.when()).containsExactly(new Guard.VersionIs(3), new Guard.VersionIs(4), new Guard.SizeIs(10),
                new Guard.BytesAt(0, new byte[] {(byte) 0xff, 0}), new Guard.Contains(utf8("hi")));
        assertThat(c.describe()).isEqualTo("if version=3 and version=4 and size=10 and bytes at 0 = 0xff00 and contains 0x6869: append 1 byte");
    }

    @Test
    void theProgramIsWhatTheNodeWillDecode() {
        UpdateProgram p = program("--if-version", "7", "--if-bytes", "2:", "--delete", "0:1");

        assertThat(UpdateProgram.decode(p.encode())).isEqualTo(p);
        assertThat(p.apply(7, utf8("abc"), 10).value()).isEqualTo(utf8("bc"));
        assertThat(p.apply(8, utf8("abc"), 10).applied()).isFalse();
    }

    @Test
    void exactlyOneEditFlag() {
        assertBadInput("give an edit: --append DATA, --replace OFFSET:DATA, --insert OFFSET:DATA, --delete OFFSET:LEN or --truncate LEN",
                "--if-version", "3");
        assertBadInput("give one edit, not 2", "--append", "a", "--truncate", "0");
        assertBadInput("give one edit, not 2", "--append", "a", "--append", "b");
    }

    @Test
    void malformedOffsetsAndLengthsNameTheirFlag() {
        assertBadInput("--replace wants OFFSET:DATA, got 'abc'", "--replace", "abc");
        assertBadInput("--insert wants OFFSET:DATA with a number of 0 or more, got 'x'", "--insert", "x:abc");
        assertBadInput("--insert wants OFFSET:DATA with a number of 0 or more, got ''", "--insert", ":abc");
        assertBadInput("--replace wants OFFSET:DATA with a number of 0 or more, got '-1'", "--replace", "-1:a");
        assertBadInput("--delete wants OFFSET:LEN with a number of 0 or more, got '+2'", "--delete", "1:+2");
        assertBadInput("--delete wants OFFSET:LEN, got '4'", "--delete", "4");
        assertBadInput("--delete: 99999999999999999999 is too large", "--delete", "99999999999999999999:1");
        assertBadInput("--truncate must be 0 or more, got -1", "--truncate", "-1");
        assertBadInput("--if-version must be 0 or more, got -3", "--if-version", "-3", "--append", "a");
        assertBadInput("--if-size must be 0 or more, got -1", "--if-size", "-1", "--append", "a");
    }

    @Test
    void malformedHexNamesItsFlag() {
        assertBadInput("--if-contains wants bytes as hex digits (two per byte, e.g. 6869), got 'abc'", "--if-contains", "abc", "--append", "a");
        assertBadInput("--if-bytes wants bytes as hex digits (two per byte, e.g. 6869), got 'zz'", "--if-bytes", "0:zz", "--append", "a");
        assertBadInput("--if-bytes wants OFFSET:HEX, got '6869'", "--if-bytes", "6869", "--append", "a");
    }

    @Test
    void aNumberPicocliCannotReadIsItsOwnUsageError() {
        assertThatThrownBy(() -> program("--if-version", "three", "--append", "a"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--if-version");
    }

    @Test
    void moreGuardsThanAClauseHoldsAreAnInvalidUpdate() {
        String[] args = new String[2 * (Clause.MAX_GUARDS + 1) + 2];
        for (int i = 0; i <= Clause.MAX_GUARDS; i++) {
            args[2 * i] = "--if-size";
            args[2 * i + 1] = "1";
        }
        args[args.length - 2] = "--append";
        args[args.length - 1] = "a";

        assertThatThrownBy(() -> program(args)).isInstanceOfSatisfying(CometException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UPDATE_INVALID)).hasMessageContaining("17 guards; at most 16");
    }

    @Test
    void theFlagsAreInTheCommandsHelp() {
        String usage = new CommandLine(new Probe()).getUsageMessage();

        for (String flag : new String[] {"--if-version=N", "--if-size=N", "--if-bytes=OFFSET:HEX", "--if-contains=HEX",
                "--append=DATA", "--replace=OFFSET:DATA", "--insert=OFFSET:DATA", "--delete=OFFSET:LEN", "--truncate=LEN"}) {
            assertThat(usage).contains(flag);
        }
    }
}
