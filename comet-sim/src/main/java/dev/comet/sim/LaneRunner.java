package dev.comet.sim;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs one window on every lane of a network, on the caller's thread and on worker threads, each thread taking the
 * next lane not yet taken, and returns once all are done. A window is short (tens of events, a fraction of a
 * millisecond), so a worker waits for the next one spinning for a while before it parks. The workers live from
 * {@link #open} to {@link #close} (one run of the network), so a network that is dropped holds no thread. Owns the
 * workers and the window handed to them; with one thread it owns nothing and runs the lanes inline.
 */
final class LaneRunner {
    /** Busy waits before a waiting thread yields its core at each turn: a few microseconds. */
    private static final int SPINS = 64;
    /** Turns a waiting thread yields before it parks: a few milliseconds when nothing else wants the core. */
    private static final int YIELDS = 2_000;

    /**
     * CPU time of every worker thread that has ended, for {@link RunCost}: the simulation's threads, not just one. One
     * sum for the JVM, so two simulations run at once in one JVM would count each other's workers.
     */
    static final java.util.concurrent.atomic.LongAdder WORKER_CPU_NANOS = new java.util.concurrent.atomic.LongAdder();
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final Lane[] lanes;
    private final int threads;
    private Worker[] workers = new Worker[0];
    /** The window's end, written before {@link Worker#go} is bumped. */
    private volatile long windowEnd;
    /** The next lane of the window for a thread to take. */
    private final java.util.concurrent.atomic.AtomicInteger nextLane = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Thread caller;

    /** Nested runs of the network ({@link #open} without {@link #close} yet): only the outermost starts workers. */
    private int depth;

    /**
     * A runner of {@code lanes} on {@code threads} threads, or on as many as the machine has cores if fewer: a thread
     * waiting for a core would hold up every window, and the run is the same on any number.
     */
    LaneRunner(Lane[] lanes, int threads) {
        this.lanes = lanes;
        this.threads = Math.max(1, Math.min(Math.min(threads, lanes.length), Runtime.getRuntime().availableProcessors()));
    }

    /** Threads running lanes: the caller's and the workers'. */
    int threads() {
        return threads;
    }

    /** Starts the workers, for the windows until {@link #close}. */
    void open() {
        if (depth++ > 0) {
            return;
        }
        Worker[] started = new Worker[threads - 1];
        try {
            for (int i = 0; i < started.length; i++) {
                started[i] = new Worker(i + 1);
            }
        } catch (RuntimeException | Error e) {
            workers = java.util.Arrays.stream(started).filter(java.util.Objects::nonNull).toArray(Worker[]::new);
            depth = 1;
            close();
            throw e;
        }
        workers = started;
    }

    /** Runs every lane's events earlier than {@code end}; rethrows what a lane threw. */
    void run(long end) {
        if (workers.length == 0) {
            for (Lane lane : lanes) {
                lane.runWindow(end);
            }
            return;
        }
        windowEnd = end;
        nextLane.set(0);
        caller = Thread.currentThread();
        for (Worker w : workers) {
            w.start();
        }
        Throwable failure = runLanes(end);
        for (Worker w : workers) {
            Throwable t = w.await();
            if (failure == null) {
                failure = t;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a lane failed", failure);
        }
    }

    /**
     * Takes lanes not yet taken in this window and runs them until none is left; what one threw, or null. Lanes are
     * taken as threads come free, so a thread whose lanes were quick takes more: the window ends when the slowest
     * lane does, not the slowest thread's share.
     */
    private Throwable runLanes(long end) {
        for (int i = nextLane.getAndIncrement(); i < lanes.length; i = nextLane.getAndIncrement()) {
            try {
                lanes[i].runWindow(end);
            } catch (Throwable e) {
                return e; // whatever it is, the caller rethrows it: a worker must not die with the window unfinished
            }
        }
        return null;
    }

    /** Stops the workers and waits for them to end (at the outermost close). */
    void close() {
        if (--depth > 0) {
            return;
        }
        for (Worker w : workers) {
            w.stop();
        }
        for (Worker w : workers) {
            w.join();
        }
        workers = new Worker[0];
    }

    /**
     * One turn of a wait that has lasted {@code turns} turns: a busy wait at first, then a yield of the core (on a
     * machine of two cores the compiler or the collector often wants it, and a spinning thread would keep the thread
     * it waits for off it), then {@code sleep}.
     */
    private static void pause(int turns, Runnable sleep) {
        if (turns < SPINS) {
            Thread.onSpinWait();
        } else if (turns < SPINS + YIELDS) {
            Thread.yield();
        } else {
            sleep.run();
        }
    }

    /** One worker thread, taking lanes in each window beside the caller. */
    private final class Worker implements Runnable {
        private final Thread thread;
        /** Windows handed to this worker; {@link #done} catches up when it finished one. */
        private volatile long go;
        private volatile long done;
        private volatile boolean stopped;
        private volatile boolean parked;
        private Throwable failure;

        Worker(int number) {
            this.thread = new Thread(this, "comet-sim-lanes-" + number);
            thread.setDaemon(true);
            thread.start();
        }

        void start() {
            go++;
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /** Waits until this worker's window is done; what it threw, or null. */
        Throwable await() {
            long target = go;
            int spins = 0;
            while (done != target) {
                if (!thread.isAlive()) {
                    // it cannot end mid-window but by a failure of its own (no memory for its stack, say)
                    return new IllegalStateException("a simulation's worker thread ended during a window");
                }
                pause(spins++, () -> LockSupport.parkNanos(this, 100_000));
            }
            Throwable t = failure;
            failure = null;
            return t;
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        void join() {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try {
                work();
            } finally {
                if (THREADS.isCurrentThreadCpuTimeSupported()) {
                    WORKER_CPU_NANOS.add(THREADS.getCurrentThreadCpuTime());
                }
            }
        }

        private void work() {
            long seen = 0;
            while (!stopped) {
                int spins = 0;
                while (go == seen && !stopped) {
                    long waited = seen;
                    pause(spins++, () -> {
                        parked = true;
                        if (go == waited && !stopped) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    });
                }
                if (stopped) {
                    return;
                }
                seen = go;
                failure = runLanes(windowEnd);
                done = seen;
                Thread c = caller;
                if (c != null) {
                    LockSupport.unpark(c);
                }
            }
        }
    }
}
