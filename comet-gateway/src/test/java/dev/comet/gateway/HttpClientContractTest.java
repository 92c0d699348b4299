package dev.comet.gateway;

import dev.comet.client.CometClient;
import dev.comet.client.HttpCometClient;
import dev.comet.runtime.LocalCluster;

import java.net.URI;

/** The contract, for a client of the gateway of one of the cluster's nodes. */
class HttpClientContractTest extends CometClientContract {
    private Gateway gateway;

    @Override
    CometClient open(LocalCluster cluster) {
        gateway = Gateway.start(cluster.nodes().get(3), GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        return new HttpCometClient(URI.create(gateway.url()));
    }

    @Override
    void release() {
        gateway.close();
    }
}
