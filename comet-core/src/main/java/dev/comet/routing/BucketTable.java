package dev.comet.routing;

import dev.comet.guard.Source;
import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import dev.comet.routing.RoutingTable.Liveness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * One Kademlia table: k-buckets by shared-prefix length with the own id, split as in the Kademlia paper (only the
 * bucket holding the own id splits), a replacement cache per bucket, and BEP 5 liveness. A {@link RoutingTable}
 * holds one of every contact, and a second of the Comet contacts once it needs one (the overlay); it documents what
 * each method answers.
 *
 * <p>Owns its buckets and the index of their sources; touched only on the node's thread. Bucket {@code i} holds the
 * contacts sharing exactly {@code i} leading bits with the own id; the last bucket holds every contact sharing at
 * least as many.
 */
final class BucketTable {
    private final NodeId self;
    private final RoutingSettings config;
    private final List<Bucket> buckets = new ArrayList<>();
    /**
     * Which id each source of the table belongs to: one source holds one id. A source is the address, or with
     * {@code oneContactPerIp} the IP address (and the port on loopback with {@code loopbackPerPort}).
     */
    private final Map<Object, NodeId> idBySource = new HashMap<>();

    /** Which entries the closest-contact queries may name: not bad; and answered us; and, last query, answered. */
    private final Predicate<ContactEntry> notBad = e -> liveness(e, 0) != Liveness.BAD;
    private final Predicate<ContactEntry> answering = e -> notBad.test(e) && e.lastResponse >= 0;
    private final Predicate<ContactEntry> responsive = e -> answering.test(e) && e.failures == 0;

    BucketTable(NodeId self, RoutingSettings config, long now) {
        this.self = self;
        this.config = config;
        buckets.add(new Bucket(now));
    }

    /** A table holding copies of this one's buckets and entries, to change apart from it from now on. */
    BucketTable copy() {
        BucketTable copy = new BucketTable(self, config, 0);
        copy.buckets.clear();
        buckets.forEach(b -> copy.buckets.add(b.copy()));
        copy.idBySource.putAll(idBySource);
        return copy;
    }

    NodeId self() {
        return self;
    }

    /**
     * Places {@code contact}, heard from now ({@code responded}: it answered our query), by the table's rules: the
     * contact to ping (a questionable entry to make room, a newcomer to verify, a bad entry querying again) or null.
     */
    Contact place(Contact contact, boolean responded, boolean speaksComet, long now) {
        if (contact.id().equals(self)) {
            return null;
        }
        // most messages come from a contact the table holds, at its address: it passed every check below when it entered
        Bucket home = buckets.get(indexOf(contact.id()));
        ContactEntry known = home.find(contact.id());
        if (known != null && known.isAt(contact)) {
            return refresh(home, known, responded, speaksComet, now);
        }
        if (config.bep42RoutingTable() && !Bep42.valid(contact.id(), contact.address().getAddress())) {
            return null; // an id its address does not bind: it could have been chosen next to any target
        }
        NodeId holder = idBySource.get(sourceOf(contact.address()));
        if (holder != null && !holder.equals(contact.id())) {
            if (!responded) {
                return null; // one socket (or IP) may not claim many ids (it could fill a bucket)
            }
            Bucket old = buckets.get(indexOf(holder));
            ContactEntry stale = old.find(holder);
            if (stale != null && !stale.isAt(contact) && liveness(stale, now) != Liveness.BAD) {
                return null; // another node of the same IP holds its place while it is healthy: one contact per IP
            }
            // the node at this address answered with a new id (or the other node of its IP went bad): the old one goes
            if (stale != null) {
                removeEntry(old, stale);
            }
        }
        while (true) {
            int index = indexOf(contact.id());
            Bucket bucket = buckets.get(index);
            ContactEntry existing = bucket.find(contact.id());
            if (existing != null) {
                if (!existing.isAt(contact)) {
                    // an id moving to another address is only believed once the old address has gone bad
                    if (liveness(existing, now) != Liveness.BAD || !responded) {
                        return null;
                    }
                    idBySource.remove(sourceOf(existing.contact().address()));
                    existing.update(contact);
                    idBySource.put(sourceOf(contact.address()), contact.id());
                }
                return refresh(bucket, existing, responded, speaksComet, now);
            }
            ContactEntry replacement = bucket.findReplacement(contact.id());
            if (!responded) {
                return awaitVerification(bucket, index, replacement, contact, speaksComet, now);
            }
            if (bucket.entries.size() < config.k()) {
                if (replacement != null) {
                    bucket.replacements.removeEntry(replacement);
                }
                ContactEntry entry = replacement != null && replacement.isAt(contact)
                        ? replacement : new ContactEntry(contact);
                entry.touch(true, speaksComet, now);
                addEntry(bucket, entry);
                bucket.lastChanged = now;
                return null;
            }
            if (index == buckets.size() - 1 && buckets.size() < NodeId.BITS) {
                splitLast(now);
                continue;
            }
            ContactEntry bad = bucket.first(e -> liveness(e, now) == Liveness.BAD);
            if (bad != null) {
                removeEntry(bucket, bad);
                ContactEntry entry = new ContactEntry(contact);
                entry.touch(true, speaksComet, now);
                addEntry(bucket, entry);
                bucket.lastChanged = now;
                if (replacement != null) {
                    bucket.replacements.removeEntry(replacement);
                }
                return null;
            }
            bucket.cache(replacement, contact, true, speaksComet, now, config.replacementCacheSize());
            return pingStalestQuestionable(bucket, now);
        }
    }

    /** A message from an entry of the table: it is seen now. Returns the entry itself when it must be pinged. */
    private Contact refresh(Bucket bucket, ContactEntry existing, boolean responded, boolean speaksComet, long now) {
        boolean wasBad = liveness(existing, now) == Liveness.BAD;
        existing.touch(responded, speaksComet, now);
        bucket.entries.seen(now);
        if (responded) {
            bucket.lastChanged = now;
        } else if (wasBad && existing.pingSentAt < 0) {
            // a contact gone bad (a node killed, then restarted on its id and port) queries us: maintenance asks only
            // one bad contact a questionable period, so without a ping it stays bad while its bucket has no replacement
            existing.pingSentAt = now;
            return existing.contact();
        }
        return null;
    }

    /**
     * A contact that has only sent us queries waits among its bucket's replacements until it answers one of ours:
     * only a response proves that its address is real (mldht's rule), so queries with spoofed sources cannot fill a
     * bucket. Returns whom to ping: the newcomer when its bucket could take it (room, a split, or a bad entry), else
     * the stalest questionable entry, to make room.
     */
    private Contact awaitVerification(Bucket bucket, int index, ContactEntry replacement, Contact contact,
                                      boolean speaksComet, long now) {
        if (replacement != null && !replacement.isAt(contact)) {
            return null; // an unverified message from another address must not redirect a cached contact (spoofing)
        }
        ContactEntry waiting = bucket.cache(replacement, contact, false, speaksComet, now, config.replacementCacheSize());
        boolean room = hasRoom(bucket, index) || bucket.first(e -> liveness(e, now) == Liveness.BAD) != null;
        if (!room) {
            return pingStalestQuestionable(bucket, now);
        }
        if (pingPending(waiting, now)) {
            return null;
        }
        waiting.pingSentAt = now;
        return contact;
    }

    /** Pings the stalest questionable entry of {@code bucket} not being pinged already, if there is one. */
    private Contact pingStalestQuestionable(Bucket bucket, long now) {
        ContactEntry questionable = bucket.stalest(e -> liveness(e, now) == Liveness.QUESTIONABLE && !pingPending(e, now));
        if (questionable == null) {
            return null;
        }
        questionable.pingSentAt = now;
        return questionable.contact();
    }

    /**
     * Records a request to {@code id} that got no answer; a contact failing too often goes bad, and the most recent
     * replacement that has answered takes its place. Returns a contact to ping, or null: when no replacement has
     * answered, the most recent one that has only queried us, so that its answer can verify it for the place.
     */
    Contact failed(NodeId id, long now) {
        Bucket bucket = buckets.get(indexOf(id));
        ContactEntry entry = bucket.find(id);
        if (entry == null) {
            ContactEntry replacement = bucket.findReplacement(id);
            if (replacement != null) {
                bucket.replacements.removeEntry(replacement);
            }
            return null;
        }
        entry.failures++;
        entry.pingSentAt = -1;
        if (liveness(entry, now) != Liveness.BAD) {
            return null;
        }
        // only a replacement that has answered us may take its place; one that has only queried us is still unproven
        ContactEntry promoted = bucket.bestReplacement();
        if (promoted == null) {
            return bucket.verifyReplacement(e -> pingPending(e, now), now);
        }
        removeEntry(bucket, entry);
        if (idBySource.containsKey(sourceOf(promoted.contact().address()))) {
            return null; // its address (or IP) went to another id meanwhile
        }
        addEntry(bucket, promoted);
        bucket.lastChanged = now;
        return null;
    }

    /** The id of the contact at exactly {@code address}, or null. */
    NodeId idAt(java.net.InetSocketAddress address) {
        NodeId holder = idBySource.get(sourceOf(address));
        ContactEntry e = holder == null ? null : entry(holder);
        return e != null && e.contact().address().equals(address) ? holder : null;
    }

    private Object sourceOf(java.net.InetSocketAddress address) {
        return config.oneContactPerIp() ? Source.key(address, config.loopbackPerPort()) : address;
    }

    /** Forgets {@code id} (entries and replacements). */
    void remove(NodeId id) {
        Bucket bucket = buckets.get(indexOf(id));
        ContactEntry entry = bucket.find(id);
        if (entry != null) {
            removeEntry(bucket, entry);
        }
        ContactEntry replacement = bucket.findReplacement(id);
        if (replacement != null) {
            bucket.replacements.removeEntry(replacement);
        }
    }

    /** The {@code n} non-bad contacts closest to {@code target}, closest first. */
    List<Contact> closest(NodeId target, int n, long now) {
        return ClosestWalk.closest(buckets, self, target, n, notBad);
    }

    /** The {@code n} non-bad contacts closest to {@code target} that have answered us at least once. */
    List<Contact> closestAnswering(NodeId target, int n, long now) {
        return ClosestWalk.closest(buckets, self, target, n, answering);
    }

    /** As {@link #closestAnswering}, of the contacts whose last query did not fail. */
    List<Contact> closestResponsive(NodeId target, int n, long now) {
        return ClosestWalk.closest(buckets, self, target, n, responsive);
    }

    /** True when the table holds a contact that does not speak Comet. */
    boolean holdsForeignNodes() {
        for (Bucket b : buckets) {
            for (ContactEntry e : b.entries) {
                if (!e.speaksComet) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when {@code id} is unknown and its bucket has room (or is the own bucket and may still split). */
    boolean wants(NodeId id) {
        if (id.equals(self)) {
            return false;
        }
        int index = indexOf(id);
        Bucket bucket = buckets.get(index);
        return bucket.find(id) == null && hasRoom(bucket, index);
    }

    /** Whether bucket {@code index} holds fewer than K, or is the last and may still split. */
    private boolean hasRoom(Bucket bucket, int index) {
        return bucket.entries.size() < config.k() || index == buckets.size() - 1 && buckets.size() < NodeId.BITS;
    }

    /** The entry for {@code id}, or null. */
    ContactEntry entry(NodeId id) {
        return buckets.get(indexOf(id)).find(id);
    }

    Liveness liveness(ContactEntry e, long now) {
        if (e.failures >= config.maxFailures() || (e.lastResponse < 0 && e.failures > 0)) {
            return Liveness.BAD; // failed too often, or never answered and failed its verification ping
        }
        if (e.lastResponse >= 0 && now - e.lastSeen < config.questionableAfterMillis()) {
            return Liveness.GOOD;
        }
        return Liveness.QUESTIONABLE;
    }

    /** Number of contacts (replacements excluded). */
    int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.entries.size();
        }
        return n;
    }

    int bucketCount() {
        return buckets.size();
    }

    /** A read-only view of bucket {@code index}'s entries. */
    List<ContactEntry> bucket(int index) {
        return Collections.unmodifiableList(buckets.get(index).entries);
    }

    int replacementCount(int index) {
        return buckets.get(index).replacements.size();
    }

    /** All contacts, good ones first. */
    List<Contact> contacts(long now) {
        List<ContactEntry> all = new ArrayList<>();
        for (Bucket b : buckets) {
            all.addAll(b.entries);
        }
        all.sort(Comparator.comparing((ContactEntry e) -> liveness(e, now)));
        List<Contact> out = new ArrayList<>(all.size());
        for (ContactEntry e : all) {
            out.add(e.contact());
        }
        return out;
    }

    /** Random lookup targets for the buckets idle (or, {@code underfilledToo}, short); each counts as refreshed. */
    List<NodeId> refreshTargets(long now, boolean underfilledToo, RandomGenerator random) {
        List<NodeId> targets = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            boolean idle = now - b.lastChanged >= config.bucketRefreshMillis();
            boolean underfilled = underfilledToo && b.entries.size() < config.k();
            if (idle || underfilled) {
                boolean last = i == buckets.size() - 1;
                targets.add(last ? self.randomWithSharedPrefix(Math.min(NodeId.BITS, i + 8), random)
                        : self.randomWithSharedPrefix(i, random));
                b.lastChanged = now;
            }
        }
        return targets;
    }

    /**
     * A bad entry chosen at random, or null when there is none: bad entries stay until something takes their place,
     * and one that answers again is back (a node cut off for a while, or a partition healed).
     */
    Contact randomBadContact(long now, RandomGenerator random) {
        List<Contact> bad = new ArrayList<>();
        for (Bucket b : buckets) {
            for (ContactEntry e : b.entries) {
                if (liveness(e, now) == Liveness.BAD) {
                    bad.add(e.contact());
                }
            }
        }
        return bad.isEmpty() ? null : bad.get(random.nextInt(bad.size()));
    }

    /** Questionable contacts not being pinged yet; each is marked pinged now. */
    List<Contact> questionableContacts(long now) {
        List<Contact> out = new ArrayList<>();
        // an entry that answered is questionable only once it has been silent questionableAfterMillis
        long silentSince = now - config.questionableAfterMillis();
        for (Bucket b : buckets) {
            if (!b.entries.anySeenBy(silentSince)) {
                continue;
            }
            long oldest = Long.MAX_VALUE;
            for (ContactEntry e : b.entries) {
                oldest = Math.min(oldest, e.lastSeen);
                if (liveness(e, now) == Liveness.QUESTIONABLE && e.lastResponse >= 0
                        && (e.pingSentAt < 0 || now - e.pingSentAt > config.questionableAfterMillis())) {
                    e.pingSentAt = now;
                    out.add(e.contact());
                }
            }
            b.entries.oldestSeen(oldest);
        }
        return out;
    }

    private void addEntry(Bucket bucket, ContactEntry entry) {
        bucket.entries.add(entry);
        idBySource.put(sourceOf(entry.contact().address()), entry.id());
    }

    private void removeEntry(Bucket bucket, ContactEntry entry) {
        bucket.entries.removeEntry(entry);
        idBySource.remove(sourceOf(entry.contact().address()), entry.id());
    }

    private boolean pingPending(ContactEntry e, long now) {
        return e.pingSentAt >= 0 && now - e.pingSentAt < config.requestTimeoutMillis() * config.pingAttempts();
    }

    private int indexOf(NodeId id) {
        return Math.min(self.commonPrefixLength(id), buckets.size() - 1);
    }

    private void splitLast(long now) {
        buckets.add(buckets.get(buckets.size() - 1).splitOff(self, buckets.size() - 1));
    }
}
