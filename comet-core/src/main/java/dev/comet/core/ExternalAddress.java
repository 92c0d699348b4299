package dev.comet.core;

import dev.comet.Lru;
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

    private final Map<InetAddress, InetAddress> votes = new Lru<>(VOTERS);

    /** {@code voter} answered us and named {@code observed} as our address (null: it named none). */
    void vote(InetSocketAddress voter, InetSocketAddress observed) {
        if (observed != null && !observed.getAddress().isAnyLocalAddress()) {
            votes.put(voter.getAddress(), observed.getAddress());
        }
    }

    /** The address most recent voters agree on, if at least {@link #AGREEING} do and no other has as many. */
    Optional<InetAddress> address() {
        Map<InetAddress, Integer> counts = new HashMap<>();
        votes.values().forEach(a -> counts.merge(a, 1, Integer::sum));
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
