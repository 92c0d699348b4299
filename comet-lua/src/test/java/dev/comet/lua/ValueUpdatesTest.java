package dev.comet.lua;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.HandlerLimits;
import dev.comet.aso.ObjectReport;
import dev.comet.id.NodeId;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.UpdateProgram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guarded update or an installed version run by the Lua runtime: the value is {@code aso.value}, onUpdate sees the
 * update with the new value in place and may refuse it (the old value and state come back), a guard that does not
 * hold changes nothing, a value that is not a string is 348, and each outcome is in the object's log.
 */
class ValueUpdatesTest {
    private static final byte[] WRITER = new byte[32];
    private final SandboxPool pool = new SandboxPool(1, 100);
    private final LuaAsoRuntime runtime = new LuaAsoRuntime(pool, Runnable::run, HandlerLimits.defaults().withWallMillis(10_000),
            "127.0.0.1", NodeId.ofKey("node"), () -> 1_000L);
    private final NodeId key = NodeId.ofKey("versioned");

    @AfterEach
    void close() {
        pool.close();
    }

    private AsoOutcome call(String code, byte[] state, String handler, AsoCall.ValueUpdate update) throws Exception {
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(key, code.getBytes(StandardCharsets.UTF_8), state, state == null, handler,
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true,
                Long.MAX_VALUE, update), done::complete);
        return done.get(5, TimeUnit.SECONDS);
    }

    private static UpdateProgram append(long ifVersion, String data) {
        return UpdateProgram.of(List.of(new Guard.VersionIs(ifVersion)),
                List.of(new Edit.Append(data.getBytes(StandardCharsets.UTF_8))));
    }

    private Object reportedValue() throws Exception {
        ObjectReport report = runtime.report(key).get(5, TimeUnit.SECONDS).orElseThrow();
        return ((Map<?, ?>) report.state()).get("value");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stateOf(ObjectReport report) {
        return (Map<String, Object>) report.state();
    }

    @Test
    void anAppliedUpdateSetsTheValueAndOnUpdateSeesIt() throws Exception {
        String code = "aso.value = 'ab' function onUpdate(caller, u) self.seen = u.previous .. '>' .. self.value "
                + ".. '@' .. u.version end";
        AsoOutcome put = call(code, null, "onPut", null);

        AsoOutcome updated = call(code, put.state(), "onUpdate", AsoCall.ValueUpdate.evaluate(append(0, "c"), 0, WRITER));

        assertThat(updated.ok()).isTrue();
        assertThat(updated.applied().clause()).isZero();
        assertThat(new String(updated.applied().value(), StandardCharsets.UTF_8)).isEqualTo("abc");
        ObjectReport report = runtime.report(key).get(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(stateOf(report)).containsEntry("value", "abc").containsEntry("seen", "ab>abc@1");
        assertThat(report.log()).anySatisfy(line -> assertThat(line).contains("applied clause 1").contains("version 1"));
    }

    @Test
    void onUpdateRefusingPutsTheOldValueAndStateBack() throws Exception {
        String code = "aso.value = 'ab' aso.n = 0 function onUpdate(caller, u) self.n = 99 return false end";
        AsoOutcome put = call(code, null, "onPut", null);

        AsoOutcome refused = call(code, put.state(), "onUpdate", AsoCall.ValueUpdate.evaluate(append(0, "c"), 0, WRITER));

        assertThat(refused.answeredFalse()).isTrue();
        assertThat(refused.state()).isEqualTo(put.state());
        ObjectReport report = runtime.report(key).get(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(stateOf(report)).containsEntry("value", "ab").containsEntry("n", 0L);
        assertThat(report.log()).anySatisfy(line -> assertThat(line).contains("refused"));
    }

    @Test
    void aGuardThatDoesNotHoldChangesNothingAndRunsNoHandler() throws Exception {
        String code = "aso.value = 'ab' aso.calls = 0 function onUpdate() self.calls = self.calls + 1 end";
        AsoOutcome put = call(code, null, "onPut", null);

        AsoOutcome aborted = call(code, put.state(), "onUpdate", AsoCall.ValueUpdate.evaluate(append(7, "c"), 0, WRITER));

        assertThat(aborted.ok()).isTrue();
        assertThat(aborted.applied().aborted()).isTrue();
        assertThat(aborted.state()).isEqualTo(put.state());
        assertThat(reportedValue()).isEqualTo("ab");
    }

    @Test
    void aValueThatIsNotAStringIsRefusedWith348() throws Exception {
        String code = "aso.value = {1, 2}";
        AsoOutcome put = call(code, null, "onPut", null);

        AsoOutcome refused = call(code, put.state(), "onUpdate", AsoCall.ValueUpdate.evaluate(append(0, "c"), 0, WRITER));

        assertThat(refused.ok()).isFalse();
        assertThat(refused.error().code().code()).isEqualTo(348);
        assertThat(refused.error().message()).contains("table");
    }

    @Test
    void anInstalledVersionReplacesTheValueWithoutAHandler() throws Exception {
        String code = "aso.value = 'old' function onUpdate() error('must not run') end";
        AsoOutcome put = call(code, null, "onPut", null);

        AsoOutcome installed = call(code, put.state(), AsoCall.INSTALL,
                AsoCall.ValueUpdate.install(4, "new".getBytes(StandardCharsets.UTF_8)));

        assertThat(installed.ok()).isTrue();
        assertThat(reportedValue()).isEqualTo("new");
        assertThat(installed.state()).isNotEqualTo(put.state());
    }
}
