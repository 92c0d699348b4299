package dev.comet.core;

import dev.comet.CometError;
import dev.comet.routing.Contact;

/**
 * How a guarded update ended (docs/owned-objects.md): the primary that ordered it, the version of the value afterwards
 * (the one it held when no clause applied), that version's SHA-256, and the clause applied (0-based; -1 when none held
 * and the update aborted); or the error, with the node that gave it (null when none answered).
 */
public record UpdateOutcome(Contact primary, long version, byte[] hash, int clause, CometError error) {
    static UpdateOutcome failed(Contact from, CometError error) {
        return new UpdateOutcome(from, -1, null, -1, error);
    }

    public boolean ok() {
        return error == null;
    }

    /** True when a clause held and the value changed. */
    public boolean applied() {
        return error == null && clause >= 0;
    }
}
