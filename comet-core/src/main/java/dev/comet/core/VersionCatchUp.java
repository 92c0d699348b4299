package dev.comet.core;

import dev.comet.CometError;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.aso.ObjectVersions;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Brings a signed object's copy up to the version a replica's re-store says it holds: fetches that version's bytes
 * ({@code comet_get} with {@code ver}) and installs them, or records them when the copy already is that version (a
 * re-store carries the state, not the version's bytes). The replica that re-stored is asked first; when it cannot
 * answer (it dropped its copy once the record was handed on, or its own copy came without the bytes), the other
 * closest Comet nodes are asked in turn, so a sender that left or forgot does not leave a holder that cannot serve
 * its version. Owns the set of objects being caught up: one fetch at a time per object. Used on the node's thread.
 */
final class VersionCatchUp {
    /** Installs {@code version}'s bytes into the object under {@code key}; {@code done} gets null or the error. */
    interface Installer {
        void install(NodeId key, long version, byte[] value, Consumer<CometError> done);
    }

    private final NodeId self;
    private final Environment env;
    private final RoutingTable table;
    private final ObjectStorage objects;
    private final ObjectVersions versions;
    private final Transactions transactions;
    private final Installer installer;
    private final Set<NodeId> catchingUp = new HashSet<>();

    VersionCatchUp(NodeId self, Environment env, RoutingTable table, ObjectStorage objects, ObjectVersions versions,
                   Transactions transactions, Installer installer) {
        this.self = self;
        this.env = env;
        this.table = table;
        this.objects = objects;
        this.versions = versions;
        this.transactions = transactions;
        this.installer = installer;
    }

    /**
     * A replica's re-store (republish, store-on-join, hand-off) says it holds version {@code theirs} of the value of the
     * object under {@code key}: when that is newer than the one here (this node missed it: the primary did not count
     * it among the replicas, or it joined since), or is the one here but this node has no record of its bytes, fetches
     * it and installs it, so every holder ends with the value of the last update and can serve it by number and hash.
     * The replicas' word is trusted as much as the state their re-stores bring.
     */
    void catchUp(NodeId key, long theirs, Contact replica) {
        long now = env.now();
        StoredObject held = objects.get(key, now).orElse(null);
        if (held == null || !held.signed() || theirs < held.version() || theirs == 0
                || theirs == held.version() && versions.get(key, theirs, now).isPresent() || !catchingUp.add(key)) {
            return;
        }
        Deque<Contact> sources = new ArrayDeque<>();
        sources.add(replica);
        // the other replicas as this node's table sees them keep the version too (each keeps the last few)
        for (Contact c : table.closestResponsiveComet(key, held.replicas() + 1, now)) {
            if (!c.id().equals(self) && !c.id().equals(replica.id())) {
                sources.add(c);
            }
        }
        fetch(key, theirs, sources);
    }

    /** Asks the first of {@code sources} for version {@code theirs}; on anything but its bytes, asks the next. */
    private void fetch(NodeId key, long theirs, Deque<Contact> sources) {
        Contact source = sources.poll();
        if (source == null || objects.get(key, env.now()).isEmpty()) {
            catchingUp.remove(key);
            return;
        }
        Dict query = Dict.builder().put("id", self).put("k", key).put("ver", theirs).build();
        transactions.send(source.address(), source.id(), "comet_get", query, new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                List<?> v = response.values().has("v") ? response.values().list("v") : List.of();
                if (v.size() == 3 && v.get(0) instanceof Long n && n == theirs && v.get(1) instanceof byte[] hash
                        && v.get(2) instanceof byte[] value && Arrays.equals(ObjectVersions.sha256(value), hash)) {
                    caughtUp(key, n, value);
                } else {
                    next();
                }
            }

            @Override
            public void onError(KrpcError error) {
                next();
            }

            @Override
            public void onFailure() {
                next();
            }

            private void next() {
                fetch(key, theirs, sources);
            }
        });
    }

    /** Installs the fetched {@code version}, or only records its bytes when the copy here already is that version. */
    private void caughtUp(NodeId key, long version, byte[] value) {
        long now = env.now();
        StoredObject current = objects.get(key, now).orElse(null);
        if (current != null && current.version() == version) {
            if (versions.get(key, version, now).isEmpty()) {
                versions.put(key, ObjectVersions.Version.of(version, value, new byte[0], now), current.expiresAtMillis());
            }
            catchingUp.remove(key);
        } else {
            installer.install(key, version, value, failure -> catchingUp.remove(key));
        }
    }
}
