package dev.comet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.comet.bencode.BencodeFuzzer;
import dev.comet.core.NodeDatagramFuzzer;
import dev.comet.fragments.FragmentFuzzer;
import dev.comet.krpc.KrpcCodecFuzzer;
import dev.comet.owned.UpdateProgramFuzzer;
import org.junit.jupiter.api.Tag;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The five Jazzer targets of comet-core in one, for the short run of {@code mvn verify}: libFuzzer runs once per JVM,
 * and a JVM with Jazzer's agent costs far more than the seconds of fuzzing, so the suite starts one for the module
 * rather than five. The first byte of an input picks a target (its value modulo 5, see {@link #TARGETS}), the rest is
 * handed to that target's own check. The seeds are the five targets' seeds with their selector byte in front
 * ({@code CoreFuzzerSeedsTest} keeps them in step; {@code bin/core-fuzzer-seeds} writes them). The fuzz profile runs
 * the five targets apart instead, each for its own time (tag {@code jazzer-decoder}); docs/fuzzing.md.
 */
@Tag("jazzer-short")
class CoreFuzzer {
    /**
     * A target: its selector byte is its index in {@link #TARGETS}, its seeds here are named {@code <name>-<seed>}.
     */
    record Target(String name, Class<?> fuzzer, String method, Consumer<byte[]> check) {
        /** Where Jazzer finds the target's own seeds, under the test resources. */
        String inputs() {
            return fuzzer.getName().replace('.', '/') + "Inputs/" + method;
        }
    }

    static final List<Target> TARGETS = List.of(
            new Target("bencode", BencodeFuzzer.class, "decode", BencodeFuzzer::check),
            new Target("krpc", KrpcCodecFuzzer.class, "decode", KrpcCodecFuzzer::check),
            new Target("update", UpdateProgramFuzzer.class, "decode", UpdateProgramFuzzer::check),
            new Target("node", NodeDatagramFuzzer.class, "onDatagram", NodeDatagramFuzzer::check),
            new Target("fragments", FragmentFuzzer.class, "reassemble", FragmentFuzzer::check));

    /** Where Jazzer finds this target's seeds. */
    static final String INPUTS = "dev/comet/CoreFuzzerInputs/decode";

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        TARGETS.get((input[0] & 0xff) % TARGETS.size()).check().accept(Arrays.copyOfRange(input, 1, input.length));
    }
}
