package dev.comet.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of the applications Comet ships: each a Lua file under {@code /apps/NAME.lua} on the class path,
 * with its scenario {@code /apps/NAME.scenario.lua} and its page {@code docs/apps/NAME.md}. Immutable.
 */
public final class ShippedApps {
    /**
     * One shipped application.
     *
     * @param name          its file name, and the name {@code comet put --app} takes
     * @param application   the paper's application it belongs to
     * @param customization what it changes in the store
     * @param paperLines    the lines of Lua the paper reports for it (0: the paper gives none)
     */
    public record App(String name, String application, String customization, int paperLines) {
        /** The Lua code of the application. */
        public String code() {
            return resource("/apps/" + name + ".lua");
        }

        /** The class-path resource of its scenario. */
        public String scenarioResource() {
            return "/apps/" + name + ".scenario.lua";
        }

        /** Lines of Lua that are neither blank nor only a comment: how the paper counts. */
        public int linesOfCode() {
            return (int) code().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--")).count();
        }
    }

    private static final List<App> ALL = List.of(
            new App("popularity", "popularity", "the seed's get counter", 0),
            new App("secure-replication", "Vanish", "security-enhanced replication", 41),
            new App("one-time", "Vanish", "one-time values", 15),
            new App("flexible-timeout", "Vanish", "flexible timeout", 15),
            new App("password", "Adeona", "password-based access", 11),
            new App("access-log", "Adeona", "access logging", 22),
            new App("tracker", "P2P file sharing", "smart BitTorrent tracker", 43),
            new App("recursive-gets", "P2P file sharing", "recursive gets", 9),
            new App("pubsub", "P2P Twitter", "publish/subscribe", 14),
            new App("hierarchical-pubsub", "P2P Twitter", "hierarchical publish/subscribe", 20),
            new App("replica-monitor", "measurement", "replica monitoring", 21),
            new App("node-lifetimes", "measurement", "DHT-internal node lifetimes", 41));

    private ShippedApps() {
    }

    /** Every shipped application, in the order the docs list them. */
    public static List<App> all() {
        return ALL;
    }

    public static Optional<App> named(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    private static String resource(String path) {
        try (InputStream in = ShippedApps.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the application resource " + path + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
