package dev.comet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code comet check}: handlers run locally with the node's limits; answers, state, work and errors are printed. */
class CheckCommandTest {
    @TempDir
    Path tmp;

    private Path file(String name, String code) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, code);
        return f;
    }

    @Test
    void theSeedExampleCountsItsGets() throws Exception {
        Path seed = file("seed.lua", """
                aso.value = "Hello world!"
                aso.getCount = 0
                function onGet()
                  self.getCount = self.getCount + 1
                  return {self.value, self.getCount}
                end
                """);
        CliRun r = CliRun.of("check", seed.toString(), "--event", "get", "--times", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("handlers: onGet")
                .contains("onGet #1: {\"Hello world!\", 1}")
                .contains("onGet #3: {\"Hello world!\", 3}")
                .contains("state: {getCount = 3, value = \"Hello world!\"}")
                .contains("instructions");
    }

    @Test
    void argumentsReachOnGet() throws Exception {
        Path f = file("args.lua", "function onGet(caller, args) return args.city .. ' from ' .. caller.ip end");
        CliRun r = CliRun.of("check", f.toString(), "--arg", "city=Seattle");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("onGet #1: \"Seattle from 127.0.0.1\"");
    }

    @Test
    void aLuaErrorIsReportedWithItsLineAndANonZeroExit() throws Exception {
        Path f = file("broken.lua", "aso.n = 0\nfunction onGet()\n  self.n = self.n + 1\n  error('no such thing')\nend\n");
        CliRun r = CliRun.of("check", f.toString());
        assertThat(r.exitCode()).as("a failing handler is a refusal, as a node would answer it").isEqualTo(ExitStatus.REFUSED.code());
        assertThat(r.out()).contains("onGet #1 failed: 330 ").contains("broken.lua:4").contains("no such thing")
                .contains("state: {n = 0}");
    }

    @Test
    void aRunawayHandlerIsStoppedByItsLimit() throws Exception {
        Path f = file("loop.lua", "function onTimer() while true do end end");
        CliRun r = CliRun.of("check", f.toString(), "--event", "timer");
        assertThat(r.exitCode()).isEqualTo(ExitStatus.LIMIT.code());
        assertThat(r.out()).containsPattern("onTimer #1 failed: (320 instruction|322 time) limit exceeded");
    }

    @Test
    void codeThatDoesNotCompileIsABadInput() throws Exception {
        Path f = file("syntax.lua", "function onGet( return end");
        CliRun r = CliRun.of("check", f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("does not compile").contains("syntax.lua:1").doesNotContain("\tat ");
        assertThat(CliRun.of("check", tmp.resolve("missing.lua").toString()).err()).contains("cannot read");
        assertThat(CliRun.of("check", f.toString(), "--event", "explode").exitCode()).isEqualTo(2);
    }

    @Test
    void aCyclicAnswerIsAnErrorNotARendering() throws Exception {
        Path f = file("cycle.lua", "function onGet() local t = {1} t.me = t return t end");
        CliRun r = CliRun.of("check", f.toString());
        assertThat(r.exitCode()).isEqualTo(ExitStatus.REFUSED.code());
        assertThat(r.out()).contains("onGet #1 failed: 330 the answer is a table that contains itself: cycles cannot be "
                + "converted").doesNotContain("…");
    }

    @Test
    void anAnswerOfSharedTablesIsRefusedAsTheNodeWould() throws Exception {
        Path f = file("shared.lua", "function onGet() local t = 'x' for i = 1, 16 do t = {t, t, t, t} end return t end");
        CliRun r = CliRun.of("check", f.toString());
        assertThat(r.exitCode()).isEqualTo(ExitStatus.LIMIT.code());
        assertThat(r.out()).contains("onGet #1 failed: 333 the answer is over 65507 bytes");
    }

    @Test
    void aHandlerThatIsNotAFunctionIsABadInput() throws Exception {
        Path f = file("five.lua", "onGet = 5");
        CliRun r = CliRun.of("check", f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("refused: onGet is a number, not a function");
    }
}
