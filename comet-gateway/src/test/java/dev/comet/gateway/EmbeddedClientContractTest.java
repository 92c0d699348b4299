package dev.comet.gateway;

import dev.comet.client.CometClient;
import dev.comet.client.EmbeddedCometClient;
import dev.comet.runtime.LocalCluster;

import java.util.List;

/** The contract, for a client that is a node of its own joining the cluster. */
class EmbeddedClientContractTest extends CometClientContract {
    @Override
    CometClient open(LocalCluster cluster) {
        return EmbeddedCometClient.join(List.of(cluster.nodes().get(0).address()));
    }
}
