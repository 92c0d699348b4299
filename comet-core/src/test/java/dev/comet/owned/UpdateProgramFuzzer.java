package dev.comet.owned;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import org.junit.jupiter.api.Tag;

import java.nio.charset.StandardCharsets;

/**
 * Jazzer target for the update program's wire form: arbitrary bytes decode or fail with a protocol or update-invalid
 * error only; what decodes is the canonical encoding of its program (encoding gives the input back), and applying it
 * to a value either gives a value within the limit or fails with update-invalid.
 */
@Tag("jazzer-decoder")
public class UpdateProgramFuzzer {
    private static final byte[] VALUE = "hello, owned world".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_VALUE_BYTES = 64;

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] wire) {
        check(wire);
    }

    /** The target's check of one input, also {@link dev.comet.CoreFuzzer}'s for its selector byte. */
    public static void check(byte[] wire) {
        UpdateProgram program;
        try {
            program = UpdateProgram.decode(wire);
        } catch (CometException e) {
            assertThat(e.code()).isIn(ErrorCode.PROTOCOL, ErrorCode.UPDATE_INVALID);
            return;
        }
        assertThat(program.encode()).as("only the canonical encoding decodes").isEqualTo(wire);
        assertThat(program.describe()).isNotEmpty();
        try {
            UpdateProgram.Outcome outcome = program.apply(3, VALUE, MAX_VALUE_BYTES);
            assertThat(outcome.value().length).isLessThanOrEqualTo(MAX_VALUE_BYTES);
        } catch (CometException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.UPDATE_INVALID);
        }
    }
}
