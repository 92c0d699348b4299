package dev.comet.id;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** BEP 42's ids bound to addresses: the BEP's own examples, ids made for an address, and the exempt ranges. */
class Bep42Test {
    @ParameterizedTest
    @CsvSource({
            "124.31.75.21, 5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401",
            "21.75.31.124, 5a3ce9c14e7a08645677bbd1cfe7d8f956d53256",
            "65.23.51.170, a5d43220bc8f112a3d426c84764f8c2a1150e616",
            "84.124.73.14, 1b0321dd1bb1fe518101ceef99462b947a01ff41",
            "43.213.53.83, e56f6cbf5b7c4be0237986d5243b87aa6d51305a"})
    void theBepsExamplesAreValidForTheirAddressAndNotForAnother(String ip, String id) throws Exception {
        NodeId nodeId = NodeId.fromHex(id);
        assertThat(Bep42.valid(nodeId, InetAddress.getByName(ip))).isTrue();
        assertThat(Bep42.valid(nodeId, InetAddress.getByName("8.8.8.8"))).isFalse();
        // the same random bits give the same 21-bit prefix
        assertThat(Bep42.idFor(InetAddress.getByName(ip), nodeId.toBytes())).isEqualTo(nodeId);
    }

    @Test
    void anIdMadeForAnAddressIsValidForItAndAlmostNeverForAnother() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        int validElsewhere = 0;
        for (int i = 0; i < 1_000; i++) {
            NodeId id = Bep42.idFor(ip, random);
            assertThat(Bep42.valid(id, ip)).isTrue();
            validElsewhere += Bep42.valid(id, InetAddress.getByName("198.51.100." + (i % 250 + 1))) ? 1 : 0;
        }
        assertThat(validElsewhere).isLessThan(5);
    }

    @Test
    void aRandomIdIsRarelyValidForAPublicAddress() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        int valid = 0;
        for (int i = 0; i < 10_000; i++) {
            valid += Bep42.valid(NodeId.random(random), ip) ? 1 : 0;
        }
        assertThat(valid).as("about 8 in 2^21 × 8").isLessThan(3);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.3.4", "::1", "fd00::1", "fe80::1"})
    void localAddressesAreExemptAndTakeAnyId(String ip) throws Exception {
        assertThat(Bep42.exempt(InetAddress.getByName(ip))).isTrue();
        assertThat(Bep42.valid(NodeId.ofKey("anything"), InetAddress.getByName(ip))).isTrue();
    }

    @Test
    void publicAddressesAreNotExempt() throws Exception {
        assertThat(Bep42.exempt(InetAddress.getByName("203.0.113.7"))).isFalse();
        assertThat(Bep42.exempt(InetAddress.getByName("2001:db8::1"))).isFalse();
    }
}
