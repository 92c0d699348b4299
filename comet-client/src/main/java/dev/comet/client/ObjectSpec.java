package dev.comet.client;

import dev.comet.ErrorCode;
import dev.comet.aso.ObjectConfig;

/**
 * What to store under a key: a value (becomes {@code aso.value}), Lua code with handlers, or both; the number of
 * replicas (1–20, default 8), a lifetime and a timer interval ({@code aso.timerInterval}, for {@code onTimer}).
 * Null fields take the defaults. It is also the JSON body of {@code PUT /v1/objects/{key}}.
 *
 * @param value        the object's value, a string (null: none)
 * @param code         Lua source defining handlers and state (null: none)
 * @param replicas     how many of the closest nodes store it (null: 8)
 * @param ttlSeconds   lifetime in seconds (null: the nodes' default, 2 h)
 * @param timerSeconds interval of {@code onTimer} in seconds (null: no timer)
 */
public record ObjectSpec(String value, String code, Integer replicas, Long ttlSeconds, Long timerSeconds) {
    /** Replicas when none are asked for (DESIGN.md §4.2: K). */
    public static final int DEFAULT_REPLICAS = 8;
    /** The most replicas an object may ask for: the nodes' own bound. */
    public static final int MAX_REPLICAS = ObjectConfig.MAX_REPLICAS;

    /** Just a value: {@code onGet} answers it. */
    public static ObjectSpec ofValue(String value) {
        return new ObjectSpec(value, null, null, null, null);
    }

    /** Lua code with its handlers. */
    public static ObjectSpec ofCode(String code) {
        return new ObjectSpec(null, code, null, null, null);
    }

    /** This spec with {@code n} replicas. */
    public ObjectSpec withReplicas(int n) {
        return new ObjectSpec(value, code, n, ttlSeconds, timerSeconds);
    }

    /** This spec with a lifetime of {@code seconds}. */
    public ObjectSpec withTtlSeconds(long seconds) {
        return new ObjectSpec(value, code, replicas, seconds, timerSeconds);
    }

    /** Checks the fields; throws {@link ErrorCode#BAD_INPUT} naming the first wrong one. */
    public ObjectSpec validate() {
        if (value == null && code == null) {
            throw bad("give a value, code, or both");
        }
        if (replicas != null && (replicas < 1 || replicas > MAX_REPLICAS)) {
            throw bad("replicas must be 1 to " + MAX_REPLICAS + ", got " + replicas);
        }
        if (ttlSeconds != null && ttlSeconds < 1) {
            throw bad("ttlSeconds must be at least 1, got " + ttlSeconds);
        }
        if (timerSeconds != null && timerSeconds < 1) {
            throw bad("timerSeconds must be at least 1, got " + timerSeconds);
        }
        return this;
    }

    /** The replicas to ask for. */
    public int replicaCount() {
        return replicas == null ? DEFAULT_REPLICAS : replicas;
    }

    /** The lifetime in seconds, -1 for the nodes' default. */
    public long ttl() {
        return ttlSeconds == null ? -1 : ttlSeconds;
    }

    private static CometClientException bad(String message) {
        return new CometClientException(ErrorCode.BAD_INPUT, message);
    }
}
