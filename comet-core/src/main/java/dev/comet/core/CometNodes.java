package dev.comet.core;

import dev.comet.guard.GuardConfig;
import dev.comet.id.Bep42;
import dev.comet.krpc.ClientVersion;
import dev.comet.routing.Contact;

/**
 * Which answering nodes count as Comet nodes, the only ones that hold objects and are counted among an object's
 * closest: their version is Comet's, and with {@code guard.enforceBep42} BEP 42 binds their id to their IP address
 * (local addresses exempt). Without that rule an attacker could take ids next to a key and, being "closer" than the
 * real replicas, hold the object and make the real replicas hand it over and drop it (docs/abuse.md, "BEP 42").
 * Stateless; one rule for the routing table (Membership) and for lookups.
 */
final class CometNodes {
    private CometNodes() {
    }

    /** Whether {@code contact}, which answered with {@code version}, counts as a Comet node. */
    static boolean counts(Contact contact, byte[] version, GuardConfig guard) {
        return ClientVersion.isComet(version)
                && (!guard.enforceBep42() || Bep42.valid(contact.id(), contact.address().getAddress()));
    }
}
