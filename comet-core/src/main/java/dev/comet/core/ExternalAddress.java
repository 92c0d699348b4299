package dev.comet.core;

import dev.comet.id.Bep42;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The node's IP address as its peers see it: BEP 42's {@code ip} field in their answers. A node behind a NAT does
 * not know its public address otherwise, and needs it to take an id BEP 42 binds to it (other Comet nodes choose
 * only such nodes as replicas). The address named by at least {@link #AGREEING} of the last {@link #VOTERS}
 * answering IP addresses, and by more of them than any other, wins; one vote per voter, so one peer cannot decide.
 * Owns the last vote of each recent voter.
 */
final class ExternalAddress {
    static final int VOTERS = 16;
    static final int AGREEING = 3;

    // Slots in arrays rather than a map: a node hears a vote in nearly every answer, and a simulation of thousands
    // of nodes found a 16-entry LRU map's evictions (their entries cold in the cache) among its larger costs
    /** The voters in the slots (null: a free slot), their address hashes, their votes and when each last voted. */
    private final InetAddress[] voters = new InetAddress[VOTERS];
    private final int[] voterHashes = new int[VOTERS];
    private final InetAddress[] votes = new InetAddress[VOTERS];
    private final long[] votedAt = new long[VOTERS];
    private long votesHeard;

    /** {@code voter} answered us and named {@code observed} as our address (null: it named none). */
    void vote(InetSocketAddress voter, InetSocketAddress observed) {
        if (observed == null || observed.getAddress().isAnyLocalAddress()) {
            return;
        }
        InetAddress v = voter.getAddress();
        int hash = v.hashCode();
        int slot = -1;
        for (int i = 0; i < VOTERS; i++) {
            if (voters[i] == null) {
                if (slot < 0 || voters[slot] != null) {
                    slot = i; // a free slot, unless the voter turns up later
                }
            } else if (voterHashes[i] == hash && voters[i].equals(v)) {
                slot = i;
                break;
            } else if (slot < 0 || voters[slot] != null && votedAt[i] < votedAt[slot]) {
                slot = i; // the voter silent longest, unless a free slot or the voter itself turns up
            }
        }
        voters[slot] = v;
        voterHashes[slot] = hash;
        votes[slot] = observed.getAddress();
        votedAt[slot] = ++votesHeard;
    }

    /** The address most recent voters agree on, if at least {@link #AGREEING} do and no other has as many. */
    Optional<InetAddress> address() {
        Map<InetAddress, Integer> counts = new HashMap<>();
        for (InetAddress a : votes) {
            if (a != null) {
                counts.merge(a, 1, Integer::sum);
            }
        }
        InetAddress best = null;
        int bestCount = 0;
        boolean tie = false;
        for (Map.Entry<InetAddress, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
                tie = false;
            } else if (e.getValue() == bestCount) {
                tie = true;
            }
        }
        return bestCount >= AGREEING && !tie ? Optional.of(best) : Optional.empty();
    }

    /** Public (not BEP 42-exempt) external address our {@code id} is not bound to, if the voters agree on one. */
    Optional<InetAddress> unboundPublicAddress(dev.comet.id.NodeId id) {
        return address().filter(a -> !Bep42.exempt(a) && !Bep42.valid(id, a));
    }
}
