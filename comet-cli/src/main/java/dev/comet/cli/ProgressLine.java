package dev.comet.cli;

import dev.comet.sim.Progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a long simulation's progress on one line of standard error, rewritten at most once a second: the phase,
 * virtual time reached, wall time, events per second and an estimate of the phase's time left. Owns the wall time
 * of the run's and the phase's start and of the last line shown; called on the simulator's thread only.
 */
final class ProgressLine implements Progress {
    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private long lastShownNanos;
    private String phase = "";
    private long phaseStartNanos = startNanos;
    private long lastEvents;
    private long lastEventsNanos = startNanos;
    private double eventsPerSecond;
    private boolean shown;
    private int lastLength;

    ProgressLine(PrintStream err) {
        this.err = err;
    }

    /** Progress on stderr when asked, or when stderr is a terminal and no JSON is printed; otherwise nothing. */
    static Progress choose(boolean asked, boolean json) {
        return asked || (!json && System.console() != null) ? new ProgressLine(System.err) : Progress.NONE;
    }

    @Override
    public void update(String phase, long virtualMillis, double phaseDone, long events) {
        long now = System.nanoTime();
        boolean newPhase = !phase.equals(this.phase);
        if (newPhase) {
            this.phase = phase;
            phaseStartNanos = now;
        }
        if (!newPhase && now - lastShownNanos < 1_000_000_000L) {
            return;
        }
        if (now > lastEventsNanos) {
            eventsPerSecond = (events - lastEvents) / ((now - lastEventsNanos) / 1e9);
        }
        lastEvents = events;
        lastEventsNanos = now;
        lastShownNanos = now;
        double phaseWall = (now - phaseStartNanos) / 1e9;
        String eta = phaseDone > 0.01 && phaseDone < 1 && !Double.isNaN(phaseDone)
                ? String.format(Locale.ROOT, ", %.0f%% of the phase, about %s left", 100 * phaseDone,
                        duration(phaseWall * (1 - phaseDone) / phaseDone))
                : "";
        String line = String.format(Locale.ROOT, "%-9s virtual %s, wall %s, %,.0f events/s%s", phase,
                duration(virtualMillis / 1000.0), duration((now - startNanos) / 1e9), eventsPerSecond, eta);
        // spaces over what is left of a longer previous line: no terminal escapes, readable in a file too
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        err.flush();
        shown = true;
    }

    /** Ends the progress line, so what follows starts on a line of its own. */
    void finish() {
        if (shown) {
            err.println();
        }
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
