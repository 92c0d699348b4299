package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.core.NodeConfig;
import dev.comet.testing.RepositoryFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node settings: defaults, then the file, then COMET_* variables, then --set flags. */
class NodeSettingsTest {
    @TempDir
    Path dir;

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = dir.resolve("comet.properties");
        Files.writeString(file, "# a node's settings\nk = 12\nalpha = 5\nmaxStoreBytes = 1_000_000\nreplicate = false\n");
        NodeConfig config = NodeSettings.resolve(file, Map.of("COMET_ALPHA", "4", "COMET_K", "10", "PATH", "/bin"),
                Map.of("k", "16"));
        assertThat(config.k()).isEqualTo(16);
        assertThat(config.alpha()).isEqualTo(4);
        assertThat(config.maxStoreBytes()).isEqualTo(1_000_000L);
        assertThat(config.replicate()).isFalse();
        assertThat(config.maxDatagramBytes()).isEqualTo(NodeConfig.defaults().maxDatagramBytes());
    }

    @Test
    void nothingGivenIsTheDefaults() {
        assertThat(NodeSettings.resolve(null, Map.of(), Map.of())).isEqualTo(NodeConfig.defaults());
    }

    @Test
    void badSettingsAreBadInputNamingTheKey() throws Exception {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "maxStoreByte = 5\n");
        assertThatThrownBy(() -> NodeSettings.resolve(file, Map.of(), Map.of()))
                .isInstanceOf(CometException.class).hasMessageContaining("unknown setting 'maxStoreByte'").hasMessageContaining("maxStoreBytes");
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("k", "eight")))
                .hasMessageContaining("k must be a whole number, got 'eight'");
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of("COMET_REPLICATE", "yes"), Map.of()))
                .hasMessageContaining("replicate must be true or false");
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("k", "0"))).hasMessageContaining("k must be positive");
        assertThatThrownBy(() -> NodeSettings.resolve(dir.resolve("missing"), Map.of(), Map.of()))
                .hasMessageContaining("cannot read config file");
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertThat(NodeSettings.envName("maxStoreBytes")).isEqualTo("COMET_MAX_STORE_BYTES");
        assertThat(NodeSettings.envName("k")).isEqualTo("COMET_K");
        assertThat(NodeSettings.envName("objects.limits.requestsPerSecond")).isEqualTo("COMET_OBJECTS_LIMITS_REQUESTS_PER_SECOND");
    }

    @Test
    void objectSettingsAndHandlerLimitsAreNestedKeys() {
        NodeConfig config = NodeSettings.resolve(null, Map.of("COMET_OBJECTS_MAX_TIMERS", "5"),
                Map.of("objects.limits.instructions", "2000", "objects.replicas", "3"));
        assertThat(config.objects().maxTimers()).isEqualTo(5);
        assertThat(config.objects().replicas()).isEqualTo(3);
        assertThat(config.objects().limits().instructions()).isEqualTo(2000);
        assertThat(config.objects().limits().stateBytes()).isEqualTo(NodeConfig.defaults().objects().limits().stateBytes());
        assertThat(NodeSettings.keys()).containsKey("objects.limits.wallMillis").doesNotContainKey("objects");
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("objects.replicas", "21")))
                .hasMessageContaining("replicas must be 1 to 20");
    }

    @Test
    void guardSettingsAreNestedKeysWithTheirOwnVariablesAndTheirChecks() {
        NodeConfig config = NodeSettings.resolve(null, Map.of("COMET_GUARD_QUERIES_PER_SECOND", "50"),
                Map.of("guard.queryBurst", "400", "guard.oneContactPerIp", "false"));
        assertThat(config.guard().queriesPerSecond()).isEqualTo(50);
        assertThat(config.guard().queryBurst()).isEqualTo(400);
        assertThat(config.guard().oneContactPerIp()).isFalse();
        assertThat(config.guard().banMillis()).isEqualTo(NodeConfig.defaults().guard().banMillis());
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("guard.replyFloorBytes", "100")))
                .hasMessageContaining("guard.replyFloorBytes must be at least 512");
    }

    @Test
    void fragmentAndCoordinateSettingsAreNestedKeysAndDecimalsParse() {
        NodeConfig config = NodeSettings.resolve(null, Map.of("COMET_FRAGMENTS_FRAGMENT_BYTES", "1200"),
                Map.of("coordinates.cc", "0.5", "coordinates.enabled", "false"));
        assertThat(config.fragments().fragmentBytes()).isEqualTo(1_200);
        assertThat(config.coordinates().cc()).isEqualTo(0.5);
        assertThat(config.coordinates().enabled()).isFalse();
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("coordinates.ce", "fast")))
                .hasMessageContaining("coordinates.ce must be a number, got 'fast'");
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("coordinates.ce", "NaN")))
                .hasMessageContaining("coordinates.ce must be a number");
        assertThatThrownBy(() -> NodeSettings.resolve(null, Map.of(), Map.of("fragments.fragmentBytes", "100000")))
                .hasMessageContaining("may not exceed maxDatagramBytes");
    }

    @Test
    void everySettingIsDocumentedWithItsEnvironmentVariable() throws Exception {
        String doc = RepositoryFiles.read("docs/operations.md");
        for (String key : NodeSettings.keys().keySet()) {
            assertThat(doc).as("docs/operations.md documents " + key).contains("`" + key + "`").contains("`" + NodeSettings.envName(key) + "`");
        }
    }

    @Test
    void theCommandLineRejectsAnUnknownSetting() {
        CliRun run = CliRun.of("cluster", "--nodes", "2", "--selftest", "--lookups", "1", "--set", "colour=red");
        assertThat(run.exitCode()).isEqualTo(ExitStatus.BAD_INPUT.code());
        assertThat(run.err()).contains("unknown setting 'colour' in --set");
    }
}
