package dev.comet.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

/** How a contact and an address read in messages and logs: HOST:PORT, an IPv6 host in brackets. */
class ContactTest {
    @Test
    void addressesReadAsHostAndPortWithIpv6HostsInBrackets() {
        assertThat(Contact.hostPort(new InetSocketAddress("10.0.0.1", 6881))).isEqualTo("10.0.0.1:6881");
        assertThat(Contact.hostPort(new InetSocketAddress("::1", 6881))).isEqualTo("[0:0:0:0:0:0:0:1]:6881");
        assertThat(Contact.hostPort(InetSocketAddress.createUnresolved("example.org", 80))).isEqualTo("example.org:80");
        Contact c = new Contact(NodeId.fromHex("0123456789abcdef0123456789abcdef01234567"),
                new InetSocketAddress("2001:db8::1", 51413));
        assertThat(c).hasToString("01234567@[2001:db8:0:0:0:0:0:1]:51413");
    }
}
