package dev.comet.routing;

/** One contact's liveness record in a {@link RoutingTable}: mutable, owned and changed by its table only. */
public final class ContactEntry {
    Contact contact;
    long lastSeen;
    long lastResponse = -1;
    long pingSentAt = -1;
    int failures;
    boolean speaksComet;

    ContactEntry(Contact contact) {
        this.contact = contact;
    }

    /** A copy of {@code other}, every field (a table copied for the overlay). */
    ContactEntry(ContactEntry other) {
        this.contact = other.contact;
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
