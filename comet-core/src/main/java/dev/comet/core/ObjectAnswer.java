package dev.comet.core;

import dev.comet.CometError;
import dev.comet.routing.Contact;

/**
 * One replica's answer to a comet_get: its value, or the error its handler ended with (a Comet refusal or limit); or,
 * when no replica answered, why the first one asked could not ({@link #failed()}).
 */
public record ObjectAnswer(Contact replica, Object value, CometError error) {
    public ObjectAnswer(Contact replica, Object value) {
        this(replica, value, null);
    }

    /**
     * True when the replica could not be asked, or could not serve this read: it stayed silent, answered a BEP 5
     * error (busy, failing, not a Comet node), or could not meet the read's freshness bound (353), so another replica
     * may. A Comet refusal or limit (other codes from 300) is an answer.
     */
    public boolean failed() {
        return error != null && (error.code().krpcCode() < 300 || error.code() == dev.comet.ErrorCode.NOT_FRESH);
    }
}
