package dev.comet.sim;

import dev.comet.sim.SimNetwork.Host;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The faults a {@link SimNetwork} injects between its hosts (issue #14): a partition into two sides that heals,
 * bursts of loss (a {@link LossBursts} model, network-wide or on chosen hosts), each new host's clock offset, and a
 * path MTU over which datagrams are lost.
 * Owns the current side, the loss model's state and the counters of what each fault dropped. The drivers change the
 * faults between windows; the lanes read them, and count their drops, during windows. A datagram's loss is drawn
 * from its sender's generator, the rest from the drivers'; none is drawn while no fault is active.
 */
public final class NetworkFaults {
    private final SimNetwork network;
    /** The hosts on one side of the partition; every other host is on the other side. Null: no partition. */
    private Set<Host> side;
    /** Bumped by every split and every start of bursts, so a heal or a state change scheduled for an older one is void. */
    private long epoch;
    private LossBursts bursts;
    /** The hosts whose datagrams (to or from them) the bursts hit; null: every host. */
    private Set<Host> burstHosts;
    private boolean bad;
    private long burstsStarted;
    private long maxClockSkewMillis;
    private final java.util.concurrent.atomic.LongAdder lostToPartition = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder lostToBursts = new java.util.concurrent.atomic.LongAdder();
    /** The largest datagram a path carries (its MTU); larger ones are lost. */
    private int maxDatagramBytes = Integer.MAX_VALUE;
    private final java.util.concurrent.atomic.LongAdder lostToSize = new java.util.concurrent.atomic.LongAdder();

    NetworkFaults(SimNetwork network) {
        this.network = network;
    }

    /**
     * Splits the network in two for {@code healAfterMillis} of virtual time: {@code side} on one side, every other
     * host (newcomers included) on the other; a datagram sent across the cut is lost. A later split replaces this one.
     */
    public void split(Collection<Host> side, long healAfterMillis) {
        this.side = new HashSet<>(side);
        long splitEpoch = ++epoch;
        network.schedule(healAfterMillis, () -> {
            if (epoch == splitEpoch) {
                heal();
            }
        });
    }

    /** Ends the partition now. */
    public void heal() {
        side = null;
    }

    public boolean partitioned() {
        return side != null;
    }

    /** True when {@code host} is on the side given to {@link #split}; false when no partition is on. */
    public boolean onSplitSide(Host host) {
        return side != null && side.contains(host);
    }

    /**
     * Bursts of loss for {@code durationMillis} of virtual time, starting in the good state: datagrams to or from
     * {@code hosts} (null: every host) are lost with the rate of the model's current state. A later call replaces it.
     */
    public void lossBursts(LossBursts model, Collection<Host> hosts, long durationMillis) {
        this.bursts = model;
        this.burstHosts = hosts == null ? null : new HashSet<>(hosts);
        this.bad = false;
        long burstEpoch = ++epoch;
        long end = network.now() + durationMillis;
        scheduleChange(burstEpoch, end);
        network.schedule(durationMillis, () -> {
            if (epoch == burstEpoch) {
                bursts = null;
                bad = false;
            }
        });
    }

    private void scheduleChange(long burstEpoch, long end) {
        long next = bursts.duration(bad, network.random());
        if (network.now() + next >= end) {
            return;
        }
        network.schedule(next, () -> {
            if (epoch == burstEpoch && bursts != null) {
                bad = !bad;
                burstsStarted += bad ? 1 : 0;
                scheduleChange(burstEpoch, end);
            }
        });
    }

    /** True while a burst (the model's bad state) is on. */
    public boolean inBurst() {
        return bursts != null && bad;
    }

    /** Bursts (bad states) begun so far. */
    public long burstsStarted() {
        return burstsStarted;
    }

    /**
     * Every host made from now on gets a clock offset drawn uniformly from [0, 2 × max]: two hosts differ by up to
     * 2 × max, as unsynchronised machines' clocks do (max either way of their mean). No host runs behind the
     * network: its virtual clock starts at 0, and a node, like a wall clock, never reads a negative time (the node
     * keeps -1 for "never"; a clock that read below 0 made every answer look like a newcomer's and handed the whole
     * store over again each time). 0 (the default) draws nothing.
     */
    public void skewClocks(long maxMillis) {
        if (maxMillis < 0) {
            throw new IllegalArgumentException("clock skew must not be negative: " + maxMillis);
        }
        this.maxClockSkewMillis = maxMillis;
    }

    long clockOffsetForNewHost() {
        return maxClockSkewMillis == 0 ? 0 : network.random().nextLong(0, 2 * maxClockSkewMillis + 1);
    }

    public long lostToPartition() {
        return lostToPartition.sum();
    }

    public long lostToBursts() {
        return lostToBursts.sum();
    }

    /**
     * Every path carries datagrams of at most {@code bytes} from now on, as a real path's MTU does: a larger datagram
     * is lost (IPv4 fragments are dropped by many firewalls and NATs, so a datagram over the MTU is as good as lost).
     */
    public void capDatagrams(int bytes) {
        this.maxDatagramBytes = bytes;
    }

    public long lostToSize() {
        return lostToSize.sum();
    }

    /** Whether a datagram of {@code bytes} is over the paths' MTU (counted when it is); draws nothing. */
    boolean tooLarge(int bytes) {
        if (bytes > maxDatagramBytes) {
            lostToSize.increment();
            return true;
        }
        return false;
    }

    /** Whether the datagram {@code from} sends to {@code to} is lost to a fault (counted when it is). */
    boolean drops(Host from, Host to) {
        if (side != null && side.contains(from) != side.contains(to)) {
            lostToPartition.increment();
            return true;
        }
        if (bursts != null && (burstHosts == null || burstHosts.contains(from) || burstHosts.contains(to))) {
            double rate = bad ? bursts.badLoss() : bursts.goodLoss();
            if (rate > 0 && from.random().nextDouble() < rate) {
                lostToBursts.increment();
                return true;
            }
        }
        return false;
    }
}
