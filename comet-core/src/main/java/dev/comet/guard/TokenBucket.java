package dev.comet.guard;

/**
 * A token bucket on the caller's clock: it holds at most {@code capacity} tokens and gains {@code perSecond} a
 * second; each admitted unit takes one. Owns its token count and the time it was last refilled. Time comes from the
 * caller (the node's {@code Environment}), so the simulator runs it on virtual time. Sealed, not final: the
 * throttle's state of a source is its bucket ({@code QueryThrottle.SourceState}), one object a source where a bucket
 * of its own was one more cache miss on every query a node answers.
 */
public sealed class TokenBucket permits QueryThrottle.SourceState {
    private double capacity;
    private double perMilli;
    private double tokens;
    private long refilledAt;

    /** A full bucket at {@code now}. */
    public TokenBucket(double capacity, double perSecond, long now) {
        this(capacity, perSecond, capacity, now);
    }

    /** A bucket holding {@code tokens} (at most its capacity) at {@code now}. */
    public TokenBucket(double capacity, double perSecond, double tokens, long now) {
        set(capacity, perSecond, tokens, now);
    }

    /**
     * The same bucket with another capacity and refill from {@code now} on, keeping the tokens it holds then (at most
     * the new capacity): what a new bucket made with its tokens would be.
     */
    void reshape(double capacity, double perSecond, long now) {
        set(capacity, perSecond, tokens(now), now);
    }

    private void set(double capacity, double perSecond, double tokens, long now) {
        if (capacity <= 0 || perSecond <= 0) {
            throw new IllegalArgumentException("a token bucket needs a positive capacity and refill");
        }
        this.capacity = capacity;
        this.perMilli = perSecond / 1000.0;
        this.tokens = Math.min(capacity, Math.max(0, tokens));
        this.refilledAt = now;
    }

    /** Milliseconds from {@code now} until the bucket holds a token (0 when it holds one now). */
    public long millisUntilToken(long now) {
        refill(now);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perMilli);
    }

    /** Takes {@code n} tokens at {@code now} if the bucket holds them; false (and nothing taken) otherwise. */
    public boolean tryTake(double n, long now) {
        refill(now);
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Takes one token at {@code now} if there is one. */
    public boolean tryTake(long now) {
        return tryTake(1, now);
    }

    /** Tokens held at {@code now}. */
    public double tokens(long now) {
        refill(now);
        return tokens;
    }

    /** True when the bucket is full at {@code now} (its source has been quiet long enough to forget it). */
    public boolean full(long now) {
        return tokens(now) >= capacity;
    }

    private void refill(long now) {
        if (now > refilledAt) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perMilli);
            refilledAt = now;
        }
    }
}
