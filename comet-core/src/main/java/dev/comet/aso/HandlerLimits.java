package dev.comet.aso;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * The limits of one handler invocation (DESIGN.md §4.1), each enforced with its own error code and counted in the
 * node's metrics.
 *
 * @param instructions          Lua VM instructions, library work included (default 1,000,000)
 * @param allocatedBytes        bytes allocated by the invoking thread (default 4 MiB)
 * @param wallMillis            wall-time backstop (default 100 ms)
 * @param callDepth             nested Lua calls (default 200)
 * @param stringBytes           largest string a handler may build (default 1 MiB)
 * @param stateBytes            encoded state after the handler (default 16 KiB)
 * @param codeBytes             source code of an object (default 16 KiB)
 * @param requestsPerInvocation requests ({@code comet.put}/{@code comet.get}, one per node asked) one invocation
 *                              may send (default 8)
 * @param requestsPerSecond     requests one object may send in any second (default 10)
 */
public record HandlerLimits(long instructions, long allocatedBytes, long wallMillis, int callDepth, int stringBytes,
                            int stateBytes, int codeBytes, int requestsPerInvocation, int requestsPerSecond) {
    public HandlerLimits {
        if (instructions <= 0 || allocatedBytes <= 0 || wallMillis <= 0 || callDepth <= 0 || stringBytes <= 0
                || stateBytes <= 0 || codeBytes <= 0 || requestsPerInvocation < 0 || requestsPerSecond < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "every handler limit must be positive");
        }
    }

    public static HandlerLimits defaults() {
        return new HandlerLimits(1_000_000, 4L << 20, 100, 200, 1 << 20, 16 << 10, 16 << 10, 8, 10);
    }

    /** A builder that starts from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder that starts from these limits: change a few, keep the rest. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** These limits with another wall-time backstop (the simulator, whose time is virtual, lifts it). */
    public HandlerLimits withWallMillis(long millis) {
        return toBuilder().wallMillis(millis).build();
    }

    /**
     * Limits changed one at a time, naming what changes; {@link #build()} checks them as the constructor does.
     */
    public static final class Builder {
        private long instructions;
        private long allocatedBytes;
        private long wallMillis;
        private int callDepth;
        private int stringBytes;
        private int stateBytes;
        private int codeBytes;
        private int requestsPerInvocation;
        private int requestsPerSecond;

        private Builder(HandlerLimits c) {
            instructions = c.instructions;
            allocatedBytes = c.allocatedBytes;
            wallMillis = c.wallMillis;
            callDepth = c.callDepth;
            stringBytes = c.stringBytes;
            stateBytes = c.stateBytes;
            codeBytes = c.codeBytes;
            requestsPerInvocation = c.requestsPerInvocation;
            requestsPerSecond = c.requestsPerSecond;
        }

        public Builder instructions(long value) {
            instructions = value;
            return this;
        }

        public Builder allocatedBytes(long value) {
            allocatedBytes = value;
            return this;
        }

        public Builder wallMillis(long value) {
            wallMillis = value;
            return this;
        }

        public Builder callDepth(int value) {
            callDepth = value;
            return this;
        }

        public Builder stringBytes(int value) {
            stringBytes = value;
            return this;
        }

        public Builder stateBytes(int value) {
            stateBytes = value;
            return this;
        }

        public Builder codeBytes(int value) {
            codeBytes = value;
            return this;
        }

        public Builder requestsPerInvocation(int value) {
            requestsPerInvocation = value;
            return this;
        }

        public Builder requestsPerSecond(int value) {
            requestsPerSecond = value;
            return this;
        }

        public HandlerLimits build() {
            return new HandlerLimits(instructions, allocatedBytes, wallMillis, callDepth, stringBytes, stateBytes,
                    codeBytes, requestsPerInvocation, requestsPerSecond);
        }
    }
}
