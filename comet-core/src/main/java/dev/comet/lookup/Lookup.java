package dev.comet.lookup;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One iterative Kademlia lookup: keeps up to α requests in flight to the closest contacts not yet asked, and ends
 * when the K closest contacts that have not failed have all answered. A contact whose answer does not count (one
 * that is not what the lookup looks for) is followed but left out, like one that failed.
 *
 * <p>A contact whose first attempt went unanswered counts as stalled: it stays in the running (a late answer still
 * counts) but frees its slot, so one slow or dead node never holds the lookup back. Owned by the node that started
 * it and driven on that node's thread.
 *
 * <p>The candidates are an array kept sorted by distance to the target, at most {@code 8 K} long: every answer walks
 * it from the closest, and a sorted tree's entries cost a cache miss each where the array's are adjacent.
 */
public final class Lookup {
    private enum State { FRESH, IN_FLIGHT, STALLED, RESPONDED, NOT_COUNTING, FAILED }

    private static final class Candidate {
        final Contact contact;
        /**
         * The contact's id, kept here: where two distances' first words tie ({@link #words}), the binary search of
         * every contact heard compares ids in the candidates, not in contacts that other nodes' objects hold.
         */
        final NodeId id;
        final int hop;
        State state = State.FRESH;

        Candidate(Contact contact, int hop) {
            this.contact = contact;
            this.id = contact.id();
            this.hop = hop;
        }
    }

    private final NodeId target;
    private final int k;
    private final int alpha;
    private final int maxCandidates;
    private final LookupTransport transport;
    private final LongSupplier clock;
    private final Consumer<LookupResult> onDone;
    /** Candidates closest first; the first {@code count} slots are used. */
    private final Candidate[] candidates;
    /**
     * The first word of each candidate's distance, slot for slot: the binary search for every contact heard reads this
     * one array, and a candidate only where two words tie (a lookup's candidates lie cold between its answers).
     */
    private final long[] words;
    private int count;
    private final long startedAt;
    private int messages;
    private boolean finished;

    public Lookup(NodeId target, int k, int alpha, LookupTransport transport, LongSupplier clock,
                  Consumer<LookupResult> onDone) {
        this.target = target;
        this.k = k;
        this.alpha = alpha;
        this.maxCandidates = 8 * k;
        this.transport = transport;
        this.clock = clock;
        this.onDone = onDone;
        this.candidates = new Candidate[maxCandidates + 1];
        this.words = new long[maxCandidates + 1];
        this.startedAt = clock.getAsLong();
    }

    public NodeId target() {
        return target;
    }

    /** Counts the asking node itself as an answer (hop 0): it knows itself, and may be among the closest. */
    public Lookup includeSelf(Contact self) {
        Candidate c = new Candidate(self, 0);
        c.state = State.RESPONDED;
        long distance = distance(self.id());
        int at = indexOf(self.id(), distance);
        if (at < 0) {
            insert(-at - 1, c, distance);
        } else {
            candidates[at] = c;
        }
        return this;
    }

    /** Starts from {@code seeds} (usually the routing table's closest contacts), asked at hop 1. */
    public void start(List<Contact> seeds) {
        for (Contact c : seeds) {
            add(c, 1);
        }
        step();
    }

    public boolean finished() {
        return finished;
    }

    private void add(Contact contact, int hop) {
        long distance = distance(contact.id());
        int at = indexOf(contact.id(), distance);
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (count >= maxCandidates) {
            // Make room by dropping the farthest candidate farther than the newcomer that is not awaiting an answer,
            // preferring one that never answered. (Dropping the newcomer whenever the farthest candidate had
            // answered shut out every closer node found once the list was full.)
            int victim = -1;
            for (int i = count - 1; i >= at; i--) {
                State s = candidates[i].state;
                if (s == State.FRESH || s == State.FAILED) {
                    victim = i;
                    break;
                }
                if (s == State.RESPONDED && victim < 0) {
                    victim = i;
                }
            }
            if (victim < 0) {
                return;
            }
            remove(victim);
        }
        insert(at, new Candidate(contact, hop), distance);
    }

    /** The first word of {@code id}'s distance to the target. */
    private long distance(NodeId id) {
        return target.prefix64() ^ id.prefix64();
    }

    /**
     * The slot of {@code id}, whose distance to the target begins with {@code distance}, among the candidates, or
     * {@code -(insertion point) - 1} (as {@link Arrays#binarySearch}).
     */
    private int indexOf(NodeId id, long distance) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(words[mid], distance);
            if (c == 0) {
                c = target.compareDistance(candidates[mid].id, id);
            }
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private void insert(int at, Candidate c, long distance) {
        System.arraycopy(candidates, at, candidates, at + 1, count - at);
        System.arraycopy(words, at, words, at + 1, count - at);
        candidates[at] = c;
        words[at] = distance;
        count++;
    }

    private void remove(int at) {
        count--;
        System.arraycopy(candidates, at + 1, candidates, at, count - at);
        System.arraycopy(words, at + 1, words, at, count - at);
        candidates[count] = null;
    }

    private void step() {
        if (finished) {
            return;
        }
        int inFlight = 0;
        for (int i = 0; i < count; i++) {
            if (candidates[i].state == State.IN_FLIGHT) {
                inFlight++;
            }
        }
        // The window is the K closest candidates that have not failed, widened by one for each stalled one so
        // that a slow node gets a stand-in without losing its place.
        int window = k;
        int seen = 0;
        boolean waiting = false;
        List<Candidate> toSend = new ArrayList<>(alpha);
        for (int i = 0; i < count; i++) {
            Candidate c = candidates[i];
            if (seen >= window) {
                break;
            }
            switch (c.state) {
                case FAILED:
                case NOT_COUNTING:
                    continue;
                case RESPONDED:
                    break;
                case STALLED:
                    window++;
                    waiting = true;
                    break;
                case IN_FLIGHT:
                    waiting = true;
                    break;
                case FRESH:
                    waiting = true;
                    if (inFlight < alpha) {
                        // taken now, asked after the loop: a transport may answer or fail inside request()
                        c.state = State.IN_FLIGHT;
                        toSend.add(c);
                        inFlight++;
                    }
                    break;
                default:
                    throw new IllegalStateException();
            }
            seen++;
        }
        if (!waiting) {
            // every candidate in the window answered (or none is left): answers still on their way from
            // outside the window cannot bring a closer contact than the ones that already answered
            finish();
        }
        for (Candidate c : toSend) {
            if (finished) {
                break;
            }
            send(c);
        }
    }

    private void send(Candidate c) {
        c.state = State.IN_FLIGHT;
        messages++;
        transport.request(c.contact, target, new LookupTransport.Reply() {
            private boolean settled;

            @Override
            public void responded(Contact from, List<Contact> nodes) {
                answered(State.RESPONDED, nodes);
            }

            @Override
            public void respondedNotCounting(Contact from, List<Contact> nodes) {
                answered(State.NOT_COUNTING, nodes);
            }

            private void answered(State state, List<Contact> nodes) {
                if (settled) {
                    return;
                }
                settled = true;
                c.state = state;
                if (!finished) {
                    for (Contact n : nodes) {
                        add(n, c.hop + 1);
                    }
                    step();
                }
            }

            @Override
            public void retried() {
                messages++;
                if (!settled && c.state == State.IN_FLIGHT) {
                    c.state = State.STALLED;
                    step();
                }
            }

            @Override
            public void failed() {
                if (settled) {
                    return;
                }
                settled = true;
                c.state = State.FAILED;
                step();
            }
        });
    }

    private void finish() {
        finished = true;
        List<Contact> closest = new ArrayList<>(k);
        int hops = 0;
        for (int i = 0; i < count; i++) {
            Candidate c = candidates[i];
            if (c.state == State.RESPONDED) {
                if (closest.isEmpty()) {
                    hops = c.hop;
                }
                closest.add(c.contact);
                if (closest.size() == k) {
                    break;
                }
            }
        }
        onDone.accept(new LookupResult(target, List.copyOf(closest), hops, messages, clock.getAsLong() - startedAt));
    }
}
