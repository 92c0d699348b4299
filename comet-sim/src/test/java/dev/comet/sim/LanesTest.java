package dev.comet.sim;

import dev.comet.sim.scenario.ScenarioReport;
import dev.comet.sim.scenario.ScenarioRun;
import dev.comet.storage.InMemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A simulation's hosts run in lanes, side by side within each window of virtual time: the report must be the same on
 * one thread and on several, for every kind of run (lookups, items and objects under churn and loss, scenarios with
 * callbacks into Lua), and what only a driver may do fails loudly from a host's event.
 */
class LanesTest {
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(7);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void lookupsUnderLossAndChurnGiveTheSameReportOnOneTwoAndThreeThreads() {
        SimConfig config = SimConfig.of(300, 100, SEED).withLoss(0.05).withChurn(900);
        Map<String, Object> one = Reports.withoutMeasurements(new Simulation(config).run());
        assertThat(Reports.withoutMeasurements(new Simulation(config.withThreads(2)).run())).as("seed %d", SEED).isEqualTo(one);
        assertThat(Reports.withoutMeasurements(new Simulation(config.withThreads(3)).run())).as("seed %d", SEED).isEqualTo(one);
        assertThat((long) one.get("datagrams")).isPositive();
    }

    @Test
    void objectsWithTimersUnderChurnGiveTheSameReportOnOneAndTwoThreads() {
        SimConfig config = SimConfig.of(200, 0, SEED).withChurn(1200);
        Map<String, Object> one = Reports.withoutMeasurements(
                new Simulation(config).runObjects(10, 86_400, 60, 1_200_000, ObjectReplication.NODE));
        Map<String, Object> two = Reports.withoutMeasurements(
                new Simulation(config.withThreads(2)).runObjects(10, 86_400, 60, 1_200_000, ObjectReplication.NODE));
        assertThat(two).as("seed %d", SEED).isEqualTo(one);
        assertThat((int) one.get("objects_readable")).isPositive();
    }

    @Test
    void itemsGiveTheSameReportOnOneAndTwoThreads() {
        SimConfig config = SimConfig.of(200, 0, SEED).withChurn(1800).withLoss(0.02);
        Map<String, Object> one = Reports.withoutMeasurements(new Simulation(config).runItems(5, 3_600, 600_000));
        Map<String, Object> two = Reports.withoutMeasurements(new Simulation(config.withThreads(2)).runItems(5, 3_600, 600_000));
        assertThat(two).as("seed %d", SEED).isEqualTo(one);
    }

    @Test
    void aPartitionThatHealsGivesTheSameReportOnOneAndTwoThreads() {
        // the split drops datagrams across it in the lanes, and the healing lookups run through contacts back from it
        SimConfig config = SimConfig.of(200, 0, SEED);
        Map<String, Object> one = Reports.withoutMeasurements(PartitionSimTest.run(config));
        Map<String, Object> two = Reports.withoutMeasurements(PartitionSimTest.run(config.withThreads(2)));
        assertThat(two).as("seed %d", SEED).isEqualTo(one);
        assertThat((Long) one.get("datagrams_lost_to_partition")).isPositive();
    }

    @Test
    void scenariosWhoseCallbacksRunLuaGiveTheSameReportOnOneAndTwoThreads() throws Exception {
        for (String name : new String[] {"counter.scenario.lua", "versioned.scenario.lua"}) {
            ScenarioReport one = ScenarioRun.run(resource(name), ScenarioRun.Options.defaults());
            ScenarioReport two = ScenarioRun.run(resource(name), ScenarioRun.Options.defaults().withThreads(2));
            assertThat(two.text()).as(name).isEqualTo(one.text());
            assertThat(two.fields().get("datagrams")).as(name).isEqualTo(one.fields().get("datagrams"));
        }
    }

    @Test
    void hotObjectsOfManyCodesGiveTheSameReportOnOneTwoAndThreeThreads(@TempDir Path dir) throws Exception {
        // each replica's onTimer runs 1,800 times: past the 1,000 invocations after which a lane's sandbox compiles a
        // code, and 20 codes, past the 16 a sandbox keeps, so what each sandbox compiled and kept shows in the
        // instructions counted
        StringBuilder file = new StringBuilder();
        file.append("scenario { name = \"hot\", seed = 5, duration = 1800 }\n")
                .append("network { nodes = 60, latency = {10, 50}, settle = 60 }\n")
                .append("series { name = \"instructions\", every = 300, sample = function() return instructions() end }\n")
                .append("check { name = \"handlers ran\", series = \"instructions\", stat = \"last\", at_least = 1 }\n");
        for (int i = 0; i < 20; i++) {
            file.append("local o").append(i).append(" = object { name = \"hot ").append(i).append("\", code = [[\n")
                    .append("-- code ").append(i).append("\naso.n = 0\nfunction onTimer() self.n = self.n + ")
                    .append(i + 1).append(" end\n]], replicas = 4, ttl = 7200, timer = 1 }\n")
                    .append("at(").append(i).append(", function() put(o").append(i).append(") end)\n");
        }
        Path scenario = dir.resolve("hot.scenario.lua");
        java.nio.file.Files.writeString(scenario, file);
        ScenarioReport one = ScenarioRun.run(scenario, ScenarioRun.Options.defaults());
        assertThat(one.passed()).as(one.text()).isTrue();
        for (int threads : new int[] {2, 3}) {
            ScenarioReport other = ScenarioRun.run(scenario, ScenarioRun.Options.defaults().withThreads(threads));
            assertThat(other.text()).as("%d threads", threads).isEqualTo(one.text());
        }
    }

    @Test
    void aHostsEventThatKillsAHostOrSchedulesADriversEventFails() {
        SimNetwork network = new SimNetwork(SEED, 0, 1, 1, null, 2);
        SimNetwork.Host a = network.newHost(new InMemoryStore(10, 1_000));
        SimNetwork.Host b = network.newHost(new InMemoryStore(10, 1_000));
        a.schedule(5, b::kill);
        assertThatThrownBy(() -> network.runUntil(10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("killed a host").hasMessageContaining("SimNetwork.driver");
        assertThat(b.alive()).isTrue();

        SimNetwork other = new SimNetwork(SEED, 0, 1, 1, null, 1);
        SimNetwork.Host c = other.newHost(new InMemoryStore(10, 1_000));
        c.schedule(5, () -> other.schedule(1, () -> { }));
        assertThatThrownBy(() -> other.runUntil(10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scheduled a driver's event");
    }

    @Test
    void aCallbackMadeByDriverRunsAfterItsWindowWithItsOwnTimeInHostOrder() {
        SimNetwork network = new SimNetwork(SEED, 0, 10, 10, null, 2);
        SimNetwork.Host a = network.newHost(new InMemoryStore(10, 1_000));
        SimNetwork.Host b = network.newHost(new InMemoryStore(10, 1_000));
        StringBuilder heard = new StringBuilder();
        b.schedule(3, network.driver(() -> heard.append("b@").append(network.now()).append(' ')));
        a.schedule(3, network.driver(() -> heard.append("a@").append(network.now()).append(' ')));
        a.schedule(1, network.driver(() -> {
            heard.append("a@").append(network.now()).append(' ');
            // a driver's event scheduled from a callback runs no earlier than where the lanes are
            network.schedule(0, () -> heard.append("d@").append(network.now()).append(' '));
        }));
        network.runUntil(20);
        assertThat(heard.toString()).isEqualTo("a@1 a@3 b@3 d@3 ");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(LanesTest.class.getResource("/scenarios/" + name).toURI());
    }

}
