package dev.comet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@link CoreFuzzer}'s seeds are exactly the seeds of the targets it combines, each with the target's selector byte
 * in front: a seed added to one of them (or a crash input of one kept as a regression) reaches the combined target of
 * the suite's short run too. {@code bin/core-fuzzer-seeds} writes them.
 */
class CoreFuzzerSeedsTest {
    @Test
    void theCombinedSeedsAreTheTargetsSeedsWithTheirSelector() {
        Map<String, String> expected = new TreeMap<>();
        for (int selector = 0; selector < CoreFuzzer.TARGETS.size(); selector++) {
            CoreFuzzer.Target target = CoreFuzzer.TARGETS.get(selector);
            Map<String, byte[]> seeds = files(target.inputs());
            assertThat(seeds).as("the seeds of %s", target.fuzzer().getSimpleName()).isNotEmpty();
            for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                byte[] withSelector = new byte[seed.getValue().length + 1];
                withSelector[0] = (byte) selector;
                System.arraycopy(seed.getValue(), 0, withSelector, 1, seed.getValue().length);
                expected.put(target.name() + "-" + seed.getKey(), hex(withSelector));
            }
        }
        Map<String, String> actual = new TreeMap<>();
        files(CoreFuzzer.INPUTS).forEach((name, bytes) -> {
            if (!name.startsWith("crash-")) { // found by the combined target itself: kept, not derived
                actual.put(name, hex(bytes));
            }
        });
        assertThat(actual).as("CoreFuzzer's seeds (run bin/core-fuzzer-seeds)").isEqualTo(expected);
    }

    /** The files of a directory of the test resources as written (the build's copy keeps files since deleted). */
    private static Map<String, byte[]> files(String resource) {
        Path dir = Path.of("src/test/resources", resource);
        assertThat(dir).as(resource).isDirectory();
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path p : paths.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
