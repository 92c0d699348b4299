package dev.comet.runtime;

import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The node id a data directory keeps: saved once, bound by BEP 42 to the node's public address when one is known. */
class DataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void anIdIsMadeOnceAndKeptOnALocalAddress() throws Exception {
        DataDirectory data = new DataDirectory(dir);
        NodeId first = data.loadOrCreateId(new SplittableRandom(1), InetAddress.getLoopbackAddress());
        assertThat(data.loadOrCreateId(new SplittableRandom(2), InetAddress.getLoopbackAddress())).isEqualTo(first);
        assertThat(data.loadOrCreateId(new SplittableRandom(2), null)).isEqualTo(first);
    }

    @Test
    void onAPublicAddressTheIdIsBoundAndAnUnboundSavedIdIsReplaced() throws Exception {
        DataDirectory data = new DataDirectory(dir);
        NodeId unbound = data.loadOrCreateId(new SplittableRandom(1), null);
        InetAddress publicAddress = InetAddress.getByName("203.0.113.7");
        assertThat(Bep42.valid(unbound, publicAddress)).isFalse();
        NodeId bound = data.loadOrCreateId(new SplittableRandom(2), publicAddress);
        assertThat(Bep42.valid(bound, publicAddress)).isTrue();
        assertThat(data.loadOrCreateId(new SplittableRandom(3), publicAddress)).as("kept from then on").isEqualTo(bound);
    }

    @Test
    void theAddressPeersNamedBindsTheIdAtTheNextStart() throws Exception {
        DataDirectory data = new DataDirectory(dir);
        NodeId first = data.loadOrCreateId(new SplittableRandom(1), InetAddress.getByName("0.0.0.0"));
        InetAddress named = InetAddress.getByName("198.51.100.20");
        data.saveExternalAddress(named);
        NodeId next = new DataDirectory(dir).loadOrCreateId(new SplittableRandom(2), InetAddress.getByName("0.0.0.0"));
        assertThat(next).isNotEqualTo(first);
        assertThat(Bep42.valid(next, named)).isTrue();
    }
}
