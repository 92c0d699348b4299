package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.lookup.LookupResult;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Where a node's lookups start: its routing table's closest contacts, with stand-ins for those that have left. */
class LookupsTest {
    @Test
    void aLookupWhoseClosestContactsAllLeftAsksLiveContactsFartherAway() {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        SplittableRandom random = new SplittableRandom(7);
        // the target lies in the half of the id space the node is not in: one bucket of 8 covers all of it, and
        // those 8 contacts have left since the node heard from them (the soak's young node, 30-minute sessions)
        NodeId target = n.id().randomWithSharedPrefix(0, random);
        List<Peer> gone = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gone.add(new Peer(target.randomWithSharedPrefix(12 + i, random), 100 + i));
        }
        // live contacts in the node's own half: all farther from the target than any of the 8
        List<Peer> live = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            live.add(new Peer(n.id().randomWithSharedPrefix(1 + i, random), 200 + i));
        }
        gone.forEach(n::learn);
        live.forEach(n::learn);
        assertThat(n.node.routingTable().size()).isEqualTo(11);
        n.env.clearSent();

        List<LookupResult> results = new ArrayList<>();
        n.node.lookup(target, results::add);
        for (int tick = 0; tick < 1_200 && results.isEmpty(); tick++) {
            for (FakeEnvironment.Sent sent : n.env.takeSent()) {
                for (Peer p : live) {
                    if (sent.to().equals(p.address) && "find_node".equals(sent.method())) {
                        n.answer(p, sent, Dict.builder().put("nodes", new byte[0]));
                    }
                }
            }
            n.env.advance(100);
        }

        assertThat(results).as("the lookup ended").hasSize(1);
        assertThat(results.get(0).closest()).extracting(Contact::id)
                .as("the live contacts answered and are the closest found")
                .containsAll(live.stream().map(p -> p.id).toList());
    }
}
