package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.apps.ShippedApps;
import dev.comet.client.Answer;
import dev.comet.client.ApiError;
import dev.comet.client.CometClientException;
import dev.comet.client.GetResult;
import dev.comet.client.HttpCometClient;
import dev.comet.client.ObjectSpec;
import dev.comet.client.WriteResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shipped applications' part of {@code comet demo} (docs/apps/): eight of them published from their own Lua
 * files, with a few settings appended as a user would, and exercised over HTTP, each reported in one line. Any
 * surprise is a failure with a clear message. Timed steps poll until what they wait for shows, up to a deadline,
 * so a slow machine shows the same.
 */
final class DemoApps {
    /** How long a timed step waits before it calls the application broken (a busy machine runs timers late). */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Replicas of the replica-monitor object: each report names the other two. */
    private static final int MONITOR_REPLICAS = 3;

    private final HttpCometClient http;

    DemoApps(HttpCometClient http) {
        this.http = http;
    }

    /** Runs every application step, in the order of docs/apps/README.md. */
    List<DemoCommand.Step> run() throws InterruptedException {
        List<DemoCommand.Step> steps = new ArrayList<>();
        steps.add(popularity());
        steps.add(oneTime());
        steps.add(flexibleTimeout());
        steps.add(password());
        steps.add(accessLog());
        steps.add(tracker());
        steps.add(pubsub());
        steps.add(replicaMonitor());
        return steps;
    }

    private DemoCommand.Step popularity() {
        http.put("apps/popularity", ObjectSpec.ofCode(code("popularity")).withReplicas(1));
        for (int i = 0; i < 3; i++) {
            Object v = read("apps/popularity", Map.of());
            expect("a popular value".equals(v), "popularity: a get answered " + v);
        }
        Object count = read("apps/popularity", Map.of("count", "1"));
        expect(Long.valueOf(4).equals(count), "popularity: the count read " + count + ", expected 4 (3 gets and itself)");
        return step("popularity", "3 gets answered \"a popular value\"; a get with count=1 read 4: the 3 gets and itself");
    }

    private DemoCommand.Step oneTime() {
        http.put("apps/one-time", ObjectSpec.ofCode(code("one-time")).withReplicas(1));
        Object first = read("apps/one-time", Map.of());
        Object second = read("apps/one-time", Map.of());
        expect("read me once".equals(first) && second == null,
                "one-time: the two reads answered " + first + " and " + second + ", expected the value, then nothing");
        return step("one-time", "first read: \"" + first + "\"; second read: nothing (the value left the replica's state)");
    }

    private DemoCommand.Step flexibleTimeout() throws InterruptedException {
        String code = code("flexible-timeout") + "\naso.lifetime = 2\naso.timerInterval = 1\n";
        long put = System.nanoTime(); // before the put: the object's clock starts in onPut, inside it
        http.put("apps/flexible-timeout", new ObjectSpec(null, code, 1, null, 1L));
        Object first = read("apps/flexible-timeout", Map.of());
        expect("this message self-destructs".equals(first), "flexible-timeout: the first read answered " + first);
        Object now = first;
        while (now != null) {
            expect(System.nanoTime() - put < DEADLINE.toNanos(), "flexible-timeout: still readable after "
                    + DEADLINE.toSeconds() + " s, with a lifetime of 2 s");
            Thread.sleep(POLL.toMillis());
            now = read("apps/flexible-timeout", Map.of());
        }
        double seconds = seconds(put);
        expect(seconds >= 2, "flexible-timeout: gone after " + seconds + " s, before its lifetime of 2 s");
        return step("flexible-timeout", "lifetime set to 2 s by the object: read at once, gone " + seconds
                + " s after it was put");
    }

    private DemoCommand.Step password() {
        http.put("apps/password", ObjectSpec.ofCode(code("password") + "\naso.password = \"open sesame\"\n").withReplicas(1));
        Object none = read("apps/password", Map.of());
        Object wrong = read("apps/password", Map.of("password", "let me in"));
        Object right = read("apps/password", Map.of("password", "open sesame"));
        expect(none == null && wrong == null && "the laptop was last seen at 10.0.0.7".equals(right),
                "password: reads without, with a wrong and with the right password answered " + none + ", " + wrong
                        + " and " + right);
        return step("password", "no password and a wrong one: nothing; password=open sesame: \"" + right + "\"");
    }

    private DemoCommand.Step accessLog() {
        String key = "apps/access-log";
        http.put(key, ObjectSpec.ofCode(code("access-log") + "\naso.ownerSecret = \"demo owner\"\n").withReplicas(1));
        for (int i = 0; i < 3; i++) {
            read(key, Map.of());
        }
        Object stranger = read(key, Map.of("owner", "guess"));
        Object log = read(key, Map.of("owner", "demo owner"));
        expect("a value worth watching".equals(stranger), "access-log: a wrong owner secret read " + stranger);
        expect(log instanceof List<?> entries && entries.size() == 4 && entries.get(0) instanceof List<?> entry
                        && entry.size() == 2, "access-log: the owner read " + log + ", expected 4 entries of [caller, time]");
        return step("access-log", "3 gets and a wrong owner secret's get logged with caller and time; the owner read "
                + "the 4 entries, the wrong secret only the value");
    }

    private DemoCommand.Step tracker() {
        String key = "apps/tracker";
        http.put(key, ObjectSpec.ofCode(code("tracker")).withReplicas(1));
        int[][] places = {{0, 0}, {10, 0}, {100, 100}, {200, 0}};
        for (int i = 0; i < places.length; i++) {
            read(key, Map.of("announce", "1", "peer", "10.0.0." + (i + 1) + ":6881",
                    "x", String.valueOf(places[i][0]), "y", String.valueOf(places[i][1]), "h", "0"));
        }
        Object nearest = read(key, Map.of("peer", "client", "x", "12", "y", "0", "want", "2"));
        expect(List.of("10.0.0.2:6881", "10.0.0.1:6881").equals(nearest),
                "tracker: a get from (12, 0) answered " + nearest + ", expected the two nearest peers, nearest first");
        return step("tracker", "4 peers announced with coordinates; a get from (12, 0) answered the 2 nearest, nearest "
                + "first: " + nearest);
    }

    private DemoCommand.Step pubsub() {
        String key = "apps/pubsub";
        for (int i = 1; i <= 7; i++) {
            ObjectSpec publish = ObjectSpec.ofCode(code("pubsub") + "\naso.publish = \"message " + i + "\"\n").withReplicas(1);
            try {
                http.put(key, publish);
                expect(i == 1, "pubsub: publish " + i + " replaced the topic instead of being appended to it");
            } catch (CometClientException e) {
                // the topic's onUpdate appended the message and kept the topic: the store answers 330 for that
                expect(i > 1 && e.code() == ErrorCode.HANDLER_REFUSED, "pubsub: publish " + i + " failed with "
                        + e.error() + ": " + e.getMessage());
            }
        }
        Object all = read(key, Map.of("after", "0"));
        Object newer = read(key, Map.of("after", "6"));
        expect(all instanceof List<?> a && a.size() == 5 && firstNumber(a) == 3,
                "pubsub: a subscriber that saw nothing read " + all + ", expected messages 3 to 7 (the queue keeps 5)");
        expect(newer instanceof List<?> n && n.size() == 1 && firstNumber(n) == 7,
                "pubsub: a subscriber that saw message 6 read " + newer + ", expected message 7 only");
        return step("pubsub", "7 messages published (each after the first answered 330: onUpdate appended it and kept "
                + "the topic); a new subscriber read the last 5 (3 to 7), one that saw 6 read only 7");
    }

    /**
     * Each replica's report is read (a get with all=true) until one names both other replicas: each replica sees the
     * others through its own routing table, so the step shows every report's count, and a failure says how many
     * replicas the put reached.
     */
    private DemoCommand.Step replicaMonitor() throws InterruptedException {
        String key = "apps/replica-monitor";
        String code = code("replica-monitor") + "\naso.timerInterval = 1\naso.answerMillis = 500\n";
        WriteResult written = http.put(key, new ObjectSpec(null, code, MONITOR_REPLICAS, null, 1L));
        long put = System.nanoTime();
        while (true) {
            List<Integer> named = new ArrayList<>();
            for (Answer a : readAll(key)) {
                named.add(a.value() instanceof List<?> report ? report.size() : 0);
            }
            int most = named.stream().mapToInt(Integer::intValue).max().orElse(0);
            if (most >= MONITOR_REPLICAS - 1) {
                return step("replica-monitor", MONITOR_REPLICAS + " replicas, a 1 s timer: after " + seconds(put)
                        + " s a replica's report named " + most + " replicas answering its get (each replica's report: " + named + ")");
            }
            expect(System.nanoTime() - put < DEADLINE.toNanos(), "replica-monitor: after " + DEADLINE.toSeconds()
                    + " s the reports of the replicas named " + named + " replicas (the put stored the object on "
                    + written.stored().size() + " of " + MONITOR_REPLICAS
                    + (written.refused().isEmpty() ? "" : ", refused by " + written.refused()) + "), expected one naming the other " + (MONITOR_REPLICAS - 1));
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Every replica's answer, or none when no replica holds the object (yet, or any more). */
    private List<Answer> readAll(String key) {
        GetResult got = get(key, Map.of(), true);
        return got == null ? List.of() : got.answers();
    }

    /** The value one replica answers, or null when it answers none or holds no object any more. */
    private Object read(String key, Map<String, String> args) {
        GetResult got = get(key, args, false);
        return got == null ? null : got.value();
    }

    /** A get, or null when no replica holds the object; any other failure fails the demo. */
    private GetResult get(String key, Map<String, String> args, boolean all) {
        try {
            return http.get(key, args, all);
        } catch (CometClientException e) {
            expect(e.error() == ApiError.NOT_FOUND, key + ": a read failed with " + e.error() + ": " + e.getMessage());
            return null;
        }
    }

    private static long firstNumber(List<?> messages) {
        return messages.get(0) instanceof List<?> m && m.get(0) instanceof Long n ? n : -1;
    }

    private static String code(String app) {
        return ShippedApps.named(app).orElseThrow().code();
    }

    private static DemoCommand.Step step(String app, String saw) {
        return new DemoCommand.Step(app, "comet-apps/src/main/resources/apps/" + app + ".lua", saw);
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }

    private static void expect(boolean holds, String failure) {
        if (!holds) {
            throw new CometException(ErrorCode.INTERNAL, "demo failed: " + failure);
        }
    }
}
