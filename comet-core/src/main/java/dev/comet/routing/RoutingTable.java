package dev.comet.routing;

import dev.comet.id.NodeId;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The routing of one node: a Kademlia table of every contact, and the overlay, a second table of the Comet contacts
 * only (docs/architecture.md, "Comet inside Mainline"). Each is a {@link BucketTable}: k-buckets split as in the
 * Kademlia paper, a replacement cache per bucket, BEP 5 liveness. This class decides which table hears what and which
 * answers which question.
 *
 * <p>Owned by its {@code Node} and touched only on the node's thread; it owns both tables.
 */
public final class RoutingTable {
    /** BEP 5 liveness of a contact. */
    public enum Liveness { GOOD, QUESTIONABLE, BAD }

    private final BucketTable main;
    /**
     * The overlay: every Comet contact heard of or failed goes here too. While every contact placed has spoken Comet,
     * the overlay would get exactly the main table's calls and hold its contacts, so it is not made: null, and the
     * main table answers for it, until {@link #ownOverlay} copies the main table (a third of a simulated all-Comet
     * node's memory).
     */
    private BucketTable comets;

    public RoutingTable(NodeId self, RoutingSettings config, long now) {
        main = new BucketTable(self, config, now);
    }

    public NodeId self() {
        return main.self();
    }

    /**
     * Records that {@code contact} sent a valid message ({@code responded}: an answer to our query, so its address
     * is verified). Returns a contact the caller should ping, or null: a questionable one, to make room or to verify
     * a newcomer that only queried us; or the sender itself when it had gone bad and queries us again.
     */
    public Contact heardFrom(Contact contact, boolean responded, boolean speaksComet, long now) {
        if (!speaksComet) {
            ownOverlay(); // the main table now holds what the overlay will not
        }
        Contact toPing = main.place(contact, responded, speaksComet, now);
        if (speaksComet && comets != null) {
            Contact cometToPing = comets.place(contact, responded, true, now);
            // a contact the main table also holds is pinged by its own upkeep; only an overlay-only one needs this
            if (toPing == null && cometToPing != null && main.entry(cometToPing.id()) == null) {
                return cometToPing;
            }
        }
        return toPing;
    }

    /**
     * Records a request to {@code id} that got no answer, in both tables; a contact failing too often goes bad, and
     * the most recent replacement that has answered takes its place. Returns a contact to ping, or null: when no
     * replacement has answered, the most recent one that has only queried us, so that its answer can verify it for
     * the place; the main table's before the overlay's.
     */
    public Contact failed(NodeId id, long now) {
        Contact overlayPing = comets != null ? comets.failed(id, now) : null;
        Contact mainPing = main.failed(id, now);
        return mainPing != null ? mainPing : overlayPing;
    }

    /** The id of the main table's contact at exactly {@code address}, or null. */
    public NodeId idAt(java.net.InetSocketAddress address) {
        return main.idAt(address);
    }

    /** Forgets {@code id} (both tables, replacements too): its node is gone or banned. */
    public void remove(NodeId id) {
        if (comets != null) {
            comets.remove(id);
        }
        main.remove(id);
    }

    /** The {@code n} non-bad contacts closest to {@code target}, closest first: where a lookup starts. */
    public List<Contact> closest(NodeId target, int n, long now) {
        return main.closest(target, n, now);
    }

    /**
     * The {@code n} non-bad contacts closest to {@code target} that have answered us at least once: what a node
     * tells others (BEP 5 says good nodes), so a contact that only ever sent queries is not passed on.
     */
    public List<Contact> closestAnswering(NodeId target, int n, long now) {
        return main.closestAnswering(target, n, now);
    }

    /** As {@link #closestAnswering}, of the contacts whose last query did not fail: whether anyone is alive. */
    public List<Contact> closestResponsive(NodeId target, int n, long now) {
        return main.closestResponsive(target, n, now);
    }

    /** As {@link #closestAnswering}, of the contacts that identified themselves as Comet nodes only. */
    public List<Contact> closestAnsweringComet(NodeId target, int n, long now) {
        return overlay().closestAnswering(target, n, now);
    }

    /**
     * As {@link #closestResponsive}, of the Comet contacts: who may order an object's updates. One silence passes a
     * primary over, so its successor takes over after one query, not after the several it takes to call it bad.
     */
    public List<Contact> closestResponsiveComet(NodeId target, int n, long now) {
        return overlay().closestResponsive(target, n, now);
    }

    /** The overlay's entry for {@code id}, or null. */
    public ContactEntry cometEntry(NodeId id) {
        return overlay().entry(id);
    }

    /** How many Comet contacts the overlay holds. */
    public int cometCount() {
        return overlay().size();
    }

    /** As {@link #refreshTargets}, for the overlay's buckets that are idle or hold fewer than K. */
    public List<NodeId> cometRefreshTargets(long now, RandomGenerator random) {
        return ownOverlay().refreshTargets(now, true, random); // it marks the overlay's buckets refreshed
    }

    /**
     * True when the main table holds a contact that does not speak Comet: this node shares its network with foreign
     * Mainline nodes, and the overlay is how it finds Comet nodes. (A Comet node's own traffic favours Comet nodes,
     * so their share of its table says little about their share of the network.)
     */
    public boolean amongForeignNodes() {
        return main.holdsForeignNodes();
    }

    /** As {@link #wants}, for the overlay: a Comet contact heard of second hand whose overlay bucket has room. */
    public boolean wantsComet(NodeId id) {
        return overlay().wants(id);
    }

    /**
     * True when {@code id} is unknown and its bucket has room (or is the own bucket and may still split): a contact
     * heard of second hand that is worth a ping to verify it.
     */
    public boolean wants(NodeId id) {
        return main.wants(id);
    }

    /** The entry for {@code id} in the main table, or null. */
    public ContactEntry entry(NodeId id) {
        return main.entry(id);
    }

    public Liveness liveness(ContactEntry e, long now) {
        return main.liveness(e, now);
    }

    /** Number of contacts in the main table (replacements excluded). */
    public int size() {
        return main.size();
    }

    public int bucketCount() {
        return main.bucketCount();
    }

    /** A read-only view of the main table's bucket {@code index}. */
    public List<ContactEntry> bucket(int index) {
        return main.bucket(index);
    }

    public int replacementCount(int index) {
        return main.replacementCount(index);
    }

    /** All contacts of the main table, good ones first (what a restarted node rejoins from). */
    public List<Contact> contacts(long now) {
        return main.contacts(now);
    }

    /**
     * Random lookup targets for the main table's buckets that need one: idle for {@code bucketRefreshMillis}, or,
     * when {@code underfilledToo}, holding fewer than K contacts. Each chosen bucket counts as refreshed now.
     */
    public List<NodeId> refreshTargets(long now, boolean underfilledToo, RandomGenerator random) {
        return main.refreshTargets(now, underfilledToo, random);
    }

    /** A bad main-table entry chosen at random, or null: one to ask whether it is back. */
    public Contact randomBadContact(long now, RandomGenerator random) {
        return main.randomBadContact(now, random);
    }

    /** Main-table contacts that have been silent long enough to be questionable and are not being pinged yet. */
    public List<Contact> questionableContacts(long now) {
        return main.questionableContacts(now);
    }

    /** Whether the overlay has buckets of its own (it shares the main table's while every contact spoke Comet). */
    public boolean overlayHasOwnBuckets() {
        return comets != null;
    }

    /** The overlay, to read: the main table itself while it holds exactly what the overlay would. */
    private BucketTable overlay() {
        return comets != null ? comets : main;
    }

    /** The overlay's own table, made now from a copy of the main table if it had none. */
    private BucketTable ownOverlay() {
        if (comets == null) {
            comets = main.copy();
        }
        return comets;
    }
}
