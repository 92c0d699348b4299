package dev.comet.sim;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The seed of a simulation test class: {@code -Dcomet.sim.seed=N} on the command line, else the class's fixed
 * default. Registered as an extension, it puts the seed and the way to replay it in front of every failure, whichever
 * assertion or exception it was, so a failing run can always be reproduced (DESIGN.md §2.1).
 */
final class SimSeed implements TestExecutionExceptionHandler {
    static final String PROPERTY = "comet.sim.seed";

    private final long seed;

    SimSeed(long defaultSeed) {
        this.seed = Long.getLong(PROPERTY, defaultSeed);
    }

    long seed() {
        return seed;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        String replay = "seed " + seed + " (replay: mvn -B -pl comet-sim -am test -D" + PROPERTY + "=" + seed
                + " -Dtest=" + context.getRequiredTestClass().getSimpleName() + "#"
                + context.getRequiredTestMethod().getName() + " -Dsurefire.failIfNoSpecifiedTests=false)";
        System.err.println(context.getDisplayName() + " failed with " + replay);
        AssertionError withSeed = new AssertionError(replay + ": " + failure, failure);
        withSeed.setStackTrace(failure.getStackTrace());
        throw withSeed;
    }
}
