package dev.comet.sim;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A Gilbert-Elliott loss model: the network alternates between a good and a bad state, each with its own loss rate
 * and a mean duration (exponentially distributed, drawn from the run's seed). Bursts of loss are the bad states.
 * Immutable; {@link NetworkFaults} owns the state it is in.
 *
 * @param goodLoss       probability that a datagram is lost in the good state, in [0, 1]
 * @param badLoss        probability that a datagram is lost in the bad state (a burst), in [0, 1]
 * @param meanGoodMillis mean virtual time between two bursts
 * @param meanBadMillis  mean virtual time a burst lasts
 */
public record LossBursts(double goodLoss, double badLoss, long meanGoodMillis, long meanBadMillis) {
    public LossBursts {
        if (!(goodLoss >= 0 && goodLoss <= 1) || !(badLoss >= 0 && badLoss <= 1)) {
            throw new CometException(ErrorCode.BAD_INPUT, "loss bursts: loss rates must be in [0, 1], got "
                    + goodLoss + " and " + badLoss);
        }
        if (meanGoodMillis < 1 || meanBadMillis < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "loss bursts: mean durations must be at least 1 ms, got "
                    + meanGoodMillis + " and " + meanBadMillis);
        }
    }

    /** A state's duration: exponential with the state's mean, at least 1 ms so the model always moves on. */
    long duration(boolean bad, java.util.Random random) {
        double mean = bad ? meanBadMillis : meanGoodMillis;
        return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * mean));
    }
}
