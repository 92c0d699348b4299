package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.ArrayList;
import java.util.List;

/**
 * The contacts a node names in its answers ({@code find_node}, {@code get_peers}, {@code get}, {@code comet_get}):
 * the closest of its own routing table that have answered it and, on a dual-stack host (BEP 32), also the closest of
 * the other address family's table when the query's {@code want} asks for that family. Each family keeps its own
 * table, as mldht and libtorrent do. Owns the link to the other family's table (node thread only: both nodes of a
 * dual-stack host run on one thread).
 */
final class AnswerContacts {
    private final RoutingTable table;
    private final NodeConfig config;
    private final Environment env;
    /** What this node's own contacts are ({@code n6} for IPv6) and what a {@code want} asks of the other table. */
    private final String ownFamily;
    private final String otherFamily;
    private RoutingTable other;

    AnswerContacts(RoutingTable table, NodeConfig config, Environment env, boolean ipv6) {
        this.table = table;
        this.config = config;
        this.env = env;
        this.ownFamily = ipv6 ? "n6" : "n4";
        this.otherFamily = ipv6 ? "n4" : "n6";
    }

    /** The routing table of the same host's node in the other address family. */
    void pairWith(RoutingTable otherFamilyTable) {
        this.other = otherFamilyTable;
    }

    String family() {
        return ownFamily;
    }

    /**
     * Puts the {@code k} closest contacts to {@code target} into {@code reply}, under {@code nodes} and
     * {@code nodes6} as {@code query}'s {@code want} asks; {@code cometOnly} names Comet nodes only (a {@code cm}
     * lookup's query).
     */
    Dict.Builder put(Dict.Builder reply, NodeId target, Dict query, boolean cometOnly) {
        long now = env.now();
        List<Contact> closest = closest(table, target, cometOnly, now);
        if (other != null && CompactInfo.wants(query, otherFamily)) {
            List<Contact> both = new ArrayList<>(closest);
            both.addAll(closest(other, target, cometOnly, now));
            closest = both;
        }
        return CompactInfo.putNodes(reply, closest, query);
    }

    private List<Contact> closest(RoutingTable from, NodeId target, boolean cometOnly, long now) {
        return cometOnly ? from.closestAnsweringComet(target, config.k(), now)
                : from.closestAnswering(target, config.k(), now);
    }
}
