package dev.comet.routing;

import dev.comet.id.NodeId;

/** One contact's liveness record in a {@link RoutingTable}: mutable, owned and changed by its table only. */
public final class ContactEntry {
    private Contact contact;
    /**
     * The contact's id and its hash, which never change (a new address for the same id is a new contact, not a new
     * id): a bucket's search compares the hash first and reaches the id only on a match, and the walk for the
     * closest contacts reads the id without the contact. Those were one or two cache misses an entry on every
     * datagram heard, in a simulation of thousands of nodes.
     */
    private final NodeId id;
    private final int idHash;
    /** The id's first 64 bits ({@link NodeId#prefix64}), for {@link ClosestWalk}'s distance compares. */
    final long idPrefix;
    long lastSeen;
    long lastResponse = -1;
    long pingSentAt = -1;
    int failures;
    boolean speaksComet;

    ContactEntry(Contact contact) {
        this.contact = contact;
        this.id = contact.id();
        this.idHash = id.hashCode();
        this.idPrefix = id.prefix64();
    }

    /** A copy of {@code other}, every field (a table copied for the overlay). */
    ContactEntry(ContactEntry other) {
        this.contact = other.contact;
        this.id = other.id;
        this.idHash = other.idHash;
        this.idPrefix = other.idPrefix;
        this.lastSeen = other.lastSeen;
        this.lastResponse = other.lastResponse;
        this.pingSentAt = other.pingSentAt;
        this.failures = other.failures;
        this.speaksComet = other.speaksComet;
    }

    void touch(boolean responded, boolean comet, long now) {
        lastSeen = now;
        if (responded) {
            lastResponse = now;
            failures = 0;
            pingSentAt = -1;
        }
        speaksComet |= comet;
    }

    /** Whether this is the entry of {@code id}, whose hash is {@code hash}. */
    boolean is(NodeId id, int hash) {
        return idHash == hash && this.id.equals(id);
    }

    /**
     * Whether this entry's node is at {@code other}'s address. Often the very same contact (a simulated network
     * shares one per node), which answers without reaching the addresses.
     */
    public boolean isAt(Contact other) {
        return contact == other || contact.address().equals(other.address());
    }

    /** The id's hash, kept beside the entry by {@link EntryList}. */
    int idHash() {
        return idHash;
    }

    /** The contact's id. */
    NodeId id() {
        return id;
    }

    /** The same node at {@code newer} (its address may have changed; its id may not). */
    void update(Contact newer) {
        if (!newer.id().equals(id)) {
            throw new IllegalArgumentException("an entry keeps its id: " + contact + " is not " + newer);
        }
        contact = newer;
    }

    public Contact contact() {
        return contact;
    }

    public long lastSeen() {
        return lastSeen;
    }

    /** Time of the last answer to one of our queries, or -1 if it never answered. */
    public long lastResponse() {
        return lastResponse;
    }

    public int failures() {
        return failures;
    }

    /** Whether this contact identified itself as a Comet node (its {@code v} field). */
    public boolean speaksComet() {
        return speaksComet;
    }
}
