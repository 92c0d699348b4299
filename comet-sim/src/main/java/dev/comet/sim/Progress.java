package dev.comet.sim;

/**
 * Where a long simulation reports how far it is: called on the drivers' thread between windows, once every few
 * thousand events, and at each new phase. Implementations decide how often to show it (the CLI: on stderr, about
 * once a second).
 */
@FunctionalInterface
public interface Progress {
    /** Shows nothing. */
    Progress NONE = (phase, virtualMillis, phaseDone, events) -> { };

    /**
     * @param phase         what the run is doing ("joining", "settling", "running", …)
     * @param virtualMillis virtual time reached
     * @param phaseDone     the part of the phase done, 0 to 1, or NaN when the phase cannot say
     * @param events        events run so far
     */
    void update(String phase, long virtualMillis, double phaseDone, long events);
}
