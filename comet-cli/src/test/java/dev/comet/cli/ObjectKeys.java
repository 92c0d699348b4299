package dev.comet.cli;

import dev.comet.id.NodeId;
import dev.comet.runtime.UdpNode;

import java.util.List;

/** Keys of test objects pinned to a chosen node of a local cluster and to a chosen sandbox worker. */
final class ObjectKeys {
    private ObjectKeys() {
    }

    /**
     * A key named after {@code name} that {@code node} is the closest to in {@code cluster}, and whose object runs
     * on {@code worker} of the cluster's pool (-1: any): a worker runs one invocation at a time, so tests keep hostile
     * and benign objects on different ones.
     */
    static String keyOn(LoopbackCluster cluster, UdpNode node, int worker, String name) {
        List<NodeId> ids = cluster.nodes().stream().map(UdpNode::id).toList();
        for (int i = 0; ; i++) {
            String candidate = name + " #" + i;
            NodeId key = NodeId.ofKey(candidate);
            if (ids.stream().min(key.byDistance()).orElseThrow().equals(node.id())
                    && (worker < 0 || cluster.pool().workerOf(key) == worker)) {
                return candidate;
            }
        }
    }
}
