package dev.comet.aso;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A node's settings for active objects (DESIGN.md §4.1, §4.2), part of {@code NodeConfig}.
 *
 * @param limits                 what one handler invocation may use
 * @param replicas               replicas a client put asks for when it names none (default 8; 1 to 20)
 * @param ttlMillis              lifetime of an object whose writer asks for none (default 2 h)
 * @param maxTtlMillis           longest lifetime a writer may ask for (default 7 days)
 * @param minTimerIntervalMillis shortest {@code aso.timerInterval} honoured; shorter ones run this often (1 s)
 * @param maxTimers              objects with a timer this node runs at once; a put of one more is refused (10,000)
 * @param instructionsPerSecond  instructions all of the node's handlers may run in one second, together; past it
 *                               new invocations are refused until the next second (error 312; default 200,000,000,
 *                               a few cores' worth of metered Lua)
 * @param maxCachedObjects       loaded objects the runtime keeps between invocations; past it the least recently
 *                               used is dropped and loaded again from the store when next needed (default 10,000)
 * @param maxCachedBytes         estimated heap those loaded objects may keep, together (default 64 MiB); past it
 *                               the least recently used are dropped
 * @param objectMemoryBytes      estimated bytes all the objects this node holds may retain, together (code,
 *                               compiled code, state, a loaded instance); a new object that would go over it is
 *                               refused (error 313; default 256 MiB)
 * @param handOffMargin          how many places beyond an object's {@code n} closest Comet nodes a holder may sit
 *                               before it stores the object on the closest {@code n}, waits for all of them to
 *                               answer, and drops its copy (default 1). Under churn ranks move between checks, so
 *                               an object shows a few more replicas than {@code n} + this margin (measured:
 *                               docs/architecture.md, "Replica hygiene")
 * @param replicaCheckIntervalMillis how often a holder whose routing table knows {@code n} Comet nodes closer to an
 *                               object than itself looks the key up to learn whether it is beyond the margin
 *                               (default 2 min: with 30-minute sessions the closest nodes change every few minutes)
 * @param tombstoneMarginMillis  how long a delete's tombstone outlives the object it deleted (default 1 h: a copy's
 *                               lifetime drifts by a hop's latency each time a replica passes it on)
 * @param answerLaterMillis      how long a get whose onGet called {@code comet.answerLater()} waits for the answer of
 *                               its requests before it is answered 903 (default 2 s; a client's comet_get waits
 *                               {@code requestAttempts} times its request timeout, 0.8 to 4 s with the defaults)
 * @param maxLaterAnswers        gets waiting for a later answer on this node at once; an onGet that would wait for
 *                               one more is answered 312 (default 1,024)
 * @param inlineInstructions     a get of a loaded object whose worker is idle runs its {@code onGet} on the node's own
 *                               thread, saving two thread hand-offs, if it ends within this many instructions, 1 ms
 *                               and 256 KiB of allocation; one that does not is rolled back and run again on the
 *                               pool, and that object's gets stay on the pool while it is loaded (past the time
 *                               only, for its next 16 gets, doubling at each such run up to 4,096). 0 runs every
 *                               handler on the pool, as DESIGN.md §2.2 has it (default 10,000; docs/architecture.md,
 *                               "Where handlers run")
 * @param handlerEngine          how handlers run: {@code TIERED} (default) interprets each code until the objects
 *                               sharing it have run 1,000 invocations on a worker, then compiles it to JVM classes,
 *                               metered per basic block; {@code INTERPRETER} never compiles; {@code COMPILED}
 *                               compiles every code as it loads (about a millisecond a distinct code). Every limit
 *                               holds on each (docs/performance.md, "Compiled handlers")
 */
public record ObjectConfig(HandlerLimits limits, int replicas, long ttlMillis, long maxTtlMillis,
                           long minTimerIntervalMillis, int maxTimers, long instructionsPerSecond,
                           int maxCachedObjects, long maxCachedBytes, long objectMemoryBytes, int handOffMargin,
                           long replicaCheckIntervalMillis, long tombstoneMarginMillis, long answerLaterMillis,
                           int maxLaterAnswers, long inlineInstructions, HandlerEngine handlerEngine) {
    public static final int MAX_REPLICAS = 20;

    public ObjectConfig {
        if (limits == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "handler limits are required");
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new CometException(ErrorCode.BAD_INPUT, "replicas must be 1 to " + MAX_REPLICAS + ", got " + replicas);
        }
        if (ttlMillis <= 0 || maxTtlMillis < ttlMillis || minTimerIntervalMillis <= 0 || maxTimers < 0
                || instructionsPerSecond <= 0 || maxCachedObjects < 1 || maxCachedBytes < 1 || objectMemoryBytes < 1) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "object lifetimes, the timer interval, the instruction budget and the object cache and memory "
                            + "budgets must be positive (and the maximum lifetime at least the default)");
        }
        if (handOffMargin < 0 || handOffMargin > MAX_REPLICAS || replicaCheckIntervalMillis <= 0 || tombstoneMarginMillis < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "handOffMargin must be 0 to " + MAX_REPLICAS
                    + ", replicaCheckIntervalMillis positive and tombstoneMarginMillis not negative");
        }
        if (inlineInstructions < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "inlineInstructions must not be negative (0 turns it off)");
        }
        if (handlerEngine == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "a handler engine is required");
        }
        if (answerLaterMillis <= 0 || maxLaterAnswers < 0) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "answerLaterMillis must be positive and maxLaterAnswers not negative");
        }
    }

    public static ObjectConfig defaults() {
        return new ObjectConfig(HandlerLimits.defaults(), 8, 2 * 3_600_000L, 7 * 24 * 3_600_000L, 1_000, 10_000, 200_000_000L,
                10_000, 64L << 20, 256L << 20, 1, 120_000L, 3_600_000L, 2_000L, 1_024, 10_000, HandlerEngine.TIERED);
    }

    /** A builder that starts from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder that starts from these settings: change a few, keep the rest. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public ObjectConfig withLimits(HandlerLimits l) {
        return toBuilder().limits(l).build();
    }

    public ObjectConfig withMaxTimers(int n) {
        return toBuilder().maxTimers(n).build();
    }

    public ObjectConfig withInstructionsPerSecond(long n) {
        return toBuilder().instructionsPerSecond(n).build();
    }

    /**
     * Object settings changed one at a time, naming what changes; {@link #build()} checks them as the constructor does.
     */
    public static final class Builder {
        private HandlerLimits limits;
        private int replicas;
        private long ttlMillis;
        private long maxTtlMillis;
        private long minTimerIntervalMillis;
        private int maxTimers;
        private long instructionsPerSecond;
        private int maxCachedObjects;
        private long maxCachedBytes;
        private long objectMemoryBytes;
        private int handOffMargin;
        private long replicaCheckIntervalMillis;
        private long tombstoneMarginMillis;
        private long answerLaterMillis;
        private int maxLaterAnswers;
        private long inlineInstructions;
        private HandlerEngine handlerEngine;

        private Builder(ObjectConfig c) {
            limits = c.limits;
            replicas = c.replicas;
            ttlMillis = c.ttlMillis;
            maxTtlMillis = c.maxTtlMillis;
            minTimerIntervalMillis = c.minTimerIntervalMillis;
            maxTimers = c.maxTimers;
            instructionsPerSecond = c.instructionsPerSecond;
            maxCachedObjects = c.maxCachedObjects;
            maxCachedBytes = c.maxCachedBytes;
            objectMemoryBytes = c.objectMemoryBytes;
            handOffMargin = c.handOffMargin;
            replicaCheckIntervalMillis = c.replicaCheckIntervalMillis;
            tombstoneMarginMillis = c.tombstoneMarginMillis;
            answerLaterMillis = c.answerLaterMillis;
            maxLaterAnswers = c.maxLaterAnswers;
            inlineInstructions = c.inlineInstructions;
            handlerEngine = c.handlerEngine;
        }

        public Builder limits(HandlerLimits value) {
            limits = value;
            return this;
        }

        public Builder replicas(int value) {
            replicas = value;
            return this;
        }

        public Builder ttlMillis(long value) {
            ttlMillis = value;
            return this;
        }

        public Builder maxTtlMillis(long value) {
            maxTtlMillis = value;
            return this;
        }

        public Builder minTimerIntervalMillis(long value) {
            minTimerIntervalMillis = value;
            return this;
        }

        public Builder maxTimers(int value) {
            maxTimers = value;
            return this;
        }

        public Builder instructionsPerSecond(long value) {
            instructionsPerSecond = value;
            return this;
        }

        public Builder maxCachedObjects(int value) {
            maxCachedObjects = value;
            return this;
        }

        public Builder maxCachedBytes(long value) {
            maxCachedBytes = value;
            return this;
        }

        public Builder objectMemoryBytes(long value) {
            objectMemoryBytes = value;
            return this;
        }

        public Builder handOffMargin(int value) {
            handOffMargin = value;
            return this;
        }

        public Builder replicaCheckIntervalMillis(long value) {
            replicaCheckIntervalMillis = value;
            return this;
        }

        public Builder tombstoneMarginMillis(long value) {
            tombstoneMarginMillis = value;
            return this;
        }

        public Builder answerLaterMillis(long value) {
            answerLaterMillis = value;
            return this;
        }

        public Builder maxLaterAnswers(int value) {
            maxLaterAnswers = value;
            return this;
        }

        public Builder handlerEngine(HandlerEngine value) {
            handlerEngine = value;
            return this;
        }

        public Builder inlineInstructions(long value) {
            inlineInstructions = value;
            return this;
        }

        public ObjectConfig build() {
            return new ObjectConfig(limits, replicas, ttlMillis, maxTtlMillis, minTimerIntervalMillis, maxTimers,
                    instructionsPerSecond, maxCachedObjects, maxCachedBytes, objectMemoryBytes, handOffMargin,
                    replicaCheckIntervalMillis, tombstoneMarginMillis, answerLaterMillis, maxLaterAnswers,
                    inlineInstructions, handlerEngine);
        }
    }
}
