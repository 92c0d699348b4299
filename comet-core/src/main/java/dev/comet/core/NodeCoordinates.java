package dev.comet.core;

import dev.comet.Lru;
import dev.comet.coords.CoordinatesConfig;
import dev.comet.coords.Estimate;
import dev.comet.coords.Vivaldi;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The node's network coordinates (docs/protocol.md, "vc"): its own Vivaldi estimate, moved by the round trips of
 * requests answered on their first attempt by Comet nodes that sent theirs, and the last estimate each recently heard
 * node sent (at most {@code coordinates.knownNodes}, the least recently heard forgotten first), so that a handler
 * can read a requester's coordinate when its query carried none. Owns the {@link Vivaldi} and that table; the node's
 * thread only.
 */
final class NodeCoordinates {
    /** The key of an estimate in responses and in comet_get queries. */
    static final String KEY = "vc";

    private final CoordinatesConfig config;
    private final Vivaldi vivaldi;
    /** Each node's last estimate in its wire form (16 bytes, checked): half the memory of an {@link Estimate}. */
    private final Map<NodeId, byte[]> known;
    private long ignored;

    /**
     * Coordinates for the node {@code self}. Vivaldi draws a random direction only when two nodes sit at the same
     * place; it draws from a generator seeded by the node's id, not from the environment's: the id is the
     * environment's draw already (reproducible from the run's seed), and computing coordinates then leaves every other
     * draw of a simulated run where it was, so runs that do not look at coordinates stay as they were.
     */
    NodeCoordinates(CoordinatesConfig config, NodeId self) {
        this.config = config;
        this.vivaldi = new Vivaldi(config, new SplittableRandom(ByteBuffer.wrap(self.toBytes()).getLong()));
        int max = config.knownNodes();
        this.known = new Lru<>(max);
    }

    /** This node's estimate; empty when coordinates are off. */
    Optional<Estimate> own() {
        return config.enabled() ? Optional.of(vivaldi.estimate()) : Optional.empty();
    }

    /** {@code values} with this node's estimate added under {@link #KEY}, when coordinates are on. */
    Dict stamp(Dict values) {
        if (!config.enabled()) {
            return values;
        }
        Dict.Builder b = Dict.builder();
        values.map().forEach(b::put);
        return b.put(KEY, vivaldi.estimate().toWire()).build();
    }

    /** Adds this node's estimate to a query's arguments, when coordinates are on. */
    void addTo(Dict.Builder args) {
        if (config.enabled()) {
            args.put(KEY, vivaldi.estimate().toWire());
        }
    }

    /**
     * {@code node} answered a request of ours on its first attempt after {@code rttMillis}, with {@code values}: a
     * valid estimate among them moves ours and is remembered; a malformed one is ignored.
     */
    void measured(NodeId node, Dict values, long rttMillis) {
        Optional<Estimate> theirs = heard(node, values);
        theirs.ifPresent(e -> vivaldi.observe(e, rttMillis));
    }

    /**
     * The estimate {@code node} sent in {@code values} (a query's arguments or a response), remembered; empty when it
     * sent none or a malformed one (counted), or when coordinates are off.
     */
    Optional<Estimate> heard(NodeId node, Dict values) {
        Object wire = values.map().get(KEY);
        if (!config.enabled() || wire == null) {
            return Optional.empty();
        }
        Optional<Estimate> estimate = Estimate.fromWire(wire);
        if (estimate.isEmpty()) {
            ignored++;
            return estimate;
        }
        if (config.knownNodes() > 0) {
            known.put(node, (byte[]) wire); // fromWire accepted it: a byte string of the wire form's length
        }
        return estimate;
    }

    /** The requester's estimate: the one its query carried, else the last one it sent us, else null. */
    Estimate requester(NodeId node, Dict args) {
        return heard(node, args).orElseGet(() -> {
            byte[] wire = known.get(node);
            return wire == null ? null : Estimate.fromWire(wire).orElse(null);
        });
    }

    /** Samples that moved this node's coordinate. */
    long samples() {
        return vivaldi.samples();
    }

    /** Estimates received that were malformed (wrong length, not finite, out of range) and ignored. */
    long ignored() {
        return ignored;
    }
}
