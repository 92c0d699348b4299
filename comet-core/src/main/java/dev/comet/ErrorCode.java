package dev.comet;

/**
 * The catalogue of every error Comet can produce: a code of its own (no two meanings share one), a {@link Kind} that
 * each edge maps once (KRPC reply, HTTP status, CLI exit code), a one-line meaning and what the user can do about
 * it. Codes below 900 travel in KRPC error replies as they are (BEP 5: 201–204, BEP 44: 205–207 and 301–302,
 * Comet: 310–399); codes from 900 are local and are never sent, a relay would send {@link #krpcCode()}.
 * {@code docs/errors.md} is checked against this list by a test.
 */
public enum ErrorCode {
    GENERIC(201, Kind.UNAVAILABLE, "a node answered with a generic error",
            "The node that answered could not do it; try again, or through another node."),
    SERVER(202, Kind.UNAVAILABLE, "a node failed while serving the request",
            "The node that answered failed; try again, or through another node."),
    PROTOCOL(203, Kind.BAD_INPUT, "a malformed packet, invalid arguments or a bad write token",
            "A query was malformed or its token expired; a client retries with a fresh lookup."),
    METHOD_UNKNOWN(204, Kind.UNAVAILABLE, "the node does not know the method",
            "The node is not a Comet node (or an older one); ask Comet nodes."),
    ITEM_TOO_BIG(205, Kind.TOO_LARGE, "a BEP 44 value is over 1,000 bytes",
            "Store a smaller value, or store an active object instead."),
    INVALID_SIGNATURE(206, Kind.BAD_INPUT, "a signature does not verify",
            "Sign with the key the item or object names, over exactly the fields it stores."),
    SALT_TOO_BIG(207, Kind.TOO_LARGE, "a salt is over 64 bytes", "Use a salt of at most 64 bytes."),
    CAS_MISMATCH(301, Kind.REFUSED, "the stored sequence number is not the one the writer expected (cas)",
            "Read the item again, and write with its current seq as cas."),
    SEQ_TOO_LOW(302, Kind.REFUSED, "the sequence number is lower than the stored one",
            "Write with a seq higher than the stored one."),
    STORE_FULL(310, Kind.FULL, "the node's store quota is used up; nothing stored was dropped for the new record",
            "Store on other nodes, delete what you no longer need, or raise the node's store quota."),
    TIMERS_FULL(311, Kind.FULL, "the node already runs as many object timers as it allows",
            "Use a longer timer or fewer timed objects, or raise objects.maxTimers on the node."),
    HANDLERS_BUSY(312, Kind.BUSY, "the node's handlers have used their instruction budget for this second, or it holds as many gets waiting for later answers as it allows",
            "Try again in a second; the node is busy, not broken."),
    OBJECT_MEMORY_FULL(313, Kind.FULL, "the node's objects use up its object memory budget; no object was dropped for the new one",
            "Store on other nodes, delete objects you no longer need, or raise objects.objectMemoryBytes on the node."),
    SOURCE_STORE_FULL(314, Kind.FULL, "the records this address created use up its share of the node's store; nothing stored was dropped for the new record",
            "Let records expire or delete what you no longer need, or store on other nodes; a Comet node that answers "
                    + "the node's queries gets a larger share (guard.peerStorePercent)."),
    INSTRUCTION_LIMIT(320, Kind.LIMIT, "a handler ran over its instruction limit",
            "Make the handler do less per call, or raise objects.limits.instructions on your own nodes."),
    MEMORY_LIMIT(321, Kind.LIMIT, "a handler allocated over its memory limit", "Allocate less per call."),
    TIME_LIMIT(322, Kind.LIMIT, "a handler ran over its wall-time backstop", "Make the handler do less per call."),
    CALL_DEPTH_LIMIT(323, Kind.LIMIT, "a handler nested calls deeper than allowed", "Recurse less deeply."),
    STRING_SIZE_LIMIT(324, Kind.LIMIT, "a handler built a string over the size limit", "Build smaller strings."),
    STATE_SIZE_LIMIT(325, Kind.LIMIT, "the object's state grew over the state limit", "Keep less in aso."),
    CODE_SIZE_LIMIT(326, Kind.TOO_LARGE, "the object's code (a given value is part of it) is over the code size limit",
            "Ship less code or a smaller value (16 KiB by default); split large data over several objects."),
    REQUEST_LIMIT(327, Kind.LIMIT, "a handler asked for more requests than one invocation may send",
            "Send fewer comet.put/comet.get requests per call."),
    REQUEST_RATE_LIMIT(328, Kind.LIMIT, "an object sent requests faster than its rate limit",
            "Send requests less often (e.g. from a slower timer)."),
    CHAINED_REQUEST(329, Kind.LIMIT, "a handler run for another object's request may not send requests",
            "Send requests from your own handlers only; chains of objects asking objects are refused."),
    HANDLER_REFUSED(330, Kind.REFUSED, "a handler refused the request (answered false) or failed",
            "Read the message: it is the handler's own reason or its Lua error."),
    NO_RUNTIME(331, Kind.UNAVAILABLE, "the node cannot run active objects", "Use a node that runs objects."),
    CODE_INVALID(332, Kind.BAD_INPUT, "the object's code does not compile or fails when it is loaded",
            "Fix the code; try it with 'comet check FILE.lua' before publishing."),
    ANSWER_TOO_BIG(333, Kind.LIMIT, "a handler's answer does not fit in one message (maxDatagramBytes)",
            "Answer with less data (or page it with onGet arguments)."),
    LATE_ANSWER(334, Kind.UNAVAILABLE, "an object answers this get later (comet.answerLater()), and no answer to its requests came in time (objects.answerLaterMillis)",
            "Ask again; if it keeps happening, the key its object reads from is unreachable, or the node's objects.answerLaterMillis is too short for its network."),
    SEQ_NOT_NEWER(340, Kind.REFUSED, "a signed object's seq is not higher than the seq of the version stored under its key",
            "Sign the new version with a seq higher than the stored one (comet put picks the time in milliseconds)."),
    KEY_NOT_OWNERS(341, Kind.BAD_INPUT, "a signed object was put under a key that is not SHA-1(its public key ‖ salt)",
            "Put a signed object under the key its owner's public key and salt name (comet put computes it)."),
    NOT_OWNER(342, Kind.REFUSED, "the object stored under the key is signed by its owner, and this put is not signed by that owner",
            "Only the owner's signed put replaces a signed object; store your object under a key of your own."),
    REQUEST_REPLAYED(343, Kind.FORBIDDEN, "an owner's signed request (delete, state read, update) was already received: its key and nonce were seen within the window",
            "Sign a new request (comet and the Java client pick a fresh nonce and the current time for each)."),
    REQUEST_OUTSIDE_WINDOW(344, Kind.FORBIDDEN, "an owner's signed request carries a time outside the node's window (5 minutes by default)",
            "Sign the request again now, and check that your clock is right (the nodes compare it with theirs)."),
    REQUEST_NOT_OWNERS(345, Kind.FORBIDDEN, "a signed request (delete, state read) is signed by a key that is neither the owner of the object it names nor a writer the owner named",
            "Sign with the key of the object's owner (the key file the object was put with) or of a writer it names."),
    REQUEST_NOT_SIGNED(346, Kind.FORBIDDEN, "a delete, state read or update of a signed object carries no signed request (the owner's, or a writer's)",
            "Delete or read it with the owner's key: comet delete (or state, log) --key-file F --salt S."),
    REQUESTS_FULL(347, Kind.BUSY, "the node remembers as many recent signed requests as it allows, so it cannot check a new one for replay",
            "Try again shortly: remembered requests are forgotten when they leave the window."),
    UPDATE_INVALID(348, Kind.BAD_INPUT, "an update program is out of bounds (a negative offset or length; no clauses or edits, or too many), or an edit of the clause that held falls outside the value or would make it too large",
            "Keep offsets and lengths inside the value (guard with --if-size, or read the object first) and the result within the node's value limit."),
    NOT_WRITER(349, Kind.FORBIDDEN, "a guarded update is signed by a key that is neither the object's owner nor a writer its owner named",
            "Sign the update with the owner's key file or a writer's, or have the owner name you: comet put … --writer PUBHEX."),
    NOT_PRIMARY(350, Kind.UNAVAILABLE, "the node asked to order an update is not the object's primary replica: it knows a closer one",
            "Send the update to the replica closest to the key; Comet's clients do this themselves."),
    VERSION_GONE(351, Kind.NOT_FOUND, "the version of a signed object's value that was asked for is not kept any more (or never existed)",
            "Ask for one of the versions comet versions lists; a replica keeps the last 16 by default (access.versionsKept)."),
    UPDATE_UNCONFIRMED(352, Kind.UNAVAILABLE, "a guarded update was applied by its primary, but fewer than a majority of the object's replicas confirmed it in time",
            "Read the object's version and retry if your update is not in it; guard the update (--if-version) so a retry cannot apply twice."),
    NOT_FRESH(353, Kind.UNAVAILABLE, "a read asked for a value at least this version or confirmed current this recently, and this replica cannot say so",
            "Comet's clients ask the other replicas, the primary last; if none can, wait for the update to reach them or loosen the bound."),
    OBJECT_DELETED(354, Kind.REFUSED, "the object under this key was deleted, and its tombstone outranks this copy: a replica's copy of an unsigned object, or a signed version whose seq is not above the deleted one",
            "Put it again as its writer (a client put replaces an unsigned object's tombstone); sign a new version with a seq higher than the deleted one."),
    UNVERIFIED_SOURCE(370, Kind.BUSY, "the answer is larger than the node sends to an address that has not yet answered one of its queries (no amplification)",
            "Nothing to do: a Comet node answers the node's ping and asks again, and then gets the answer. Other "
                    + "clients answer the ping that follows this error, then ask again."),
    NOT_FOUND(901, Kind.NOT_FOUND, "no node holds what was asked for",
            "Check the key (or target), or store it first; it may have expired or been deleted."),
    NO_ANSWER(902, Kind.UNAVAILABLE, "no node answered in time",
            "The nodes asked are gone or unreachable; try again later or bootstrap from other nodes."),
    TIMEOUT(903, Kind.UNAVAILABLE, "the operation did not finish in time",
            "The network is slow or the nodes are gone; try again, or wait longer."),
    NO_WRITE_TOKEN(904, Kind.UNAVAILABLE, "a node gave no write token, so nothing could be stored there",
            "Try again: the node may have restarted or not be a storing node."),
    BAD_INPUT(905, Kind.BAD_INPUT, "bad input: arguments, configuration or a request body",
            "Read the message, which names the input and what it must be."),
    IO(906, Kind.INTERNAL, "an I/O failure of the local runtime (socket, data directory)",
            "Check the port, the data directory and its permissions and free space."),
    INTERNAL(907, Kind.INTERNAL, "an internal error (a bug); the detail is in the node's log",
            "Report it with the node's log; the operation may be retried."),
    OVERLOADED(908, Kind.RATE_LIMITED, "the gateway has as many requests in flight as it allows",
            "Retry after a moment, or send fewer requests at once."),
    REQUEST_TOO_LARGE(909, Kind.TOO_LARGE, "a request, its key or the object it stores is larger than accepted",
            "Send less: a key is at most 1,024 bytes, an object's code and value must fit in one message (maxDatagramBytes), and a "
                    + "request body in the gateway's maxBodyBytes (64 KiB by default)."),
    NO_SUCH_ROUTE(910, Kind.NOT_FOUND, "the HTTP gateway has no such route",
            "Check the method and path against docs/openapi.yaml."),
    GATEWAY_UNREACHABLE(911, Kind.UNAVAILABLE, "the HTTP client could not reach the gateway",
            "Check the gateway's URL, and that its node runs with --http-port."),
    OPERATOR_ONLY(912, Kind.FORBIDDEN, "an object's state was asked for without the owner's signed request or the node's admin token",
            "Sign the request as the owner (comet state --key-file F --salt S), or, as the node's operator, send its "
                    + "admin token (access.adminToken); an unsigned object's state is shown to the operator only."),
    NODE_STOPPED(913, Kind.UNAVAILABLE, "the node stopped (was closed) before the operation finished",
            "Run the operation again on a running node."),
    SCENARIO_INVALID(960, Kind.BAD_INPUT, "a scenario file cannot be run: a Lua syntax error, an unknown operation or field, a bad value, or a check on a series it does not declare",
            "Fix the line the message names (FILE:LINE); docs/scenarios.md lists every operation and field.");

    /**
     * What kind of failure an error is, for the edges: each edge (HTTP status, CLI exit code) maps a kind once.
     */
    public enum Kind {
        BAD_INPUT("the request is malformed or out of range: the caller must change it"),
        TOO_LARGE("the request or a value in it is too large"),
        NOT_FOUND("nothing is stored under the key or target"),
        REFUSED("the object (its handler) or a BEP 44 rule said no"),
        LIMIT("a handler hit one of the sandbox's limits"),
        UNAVAILABLE("no node could be reached or asked in time; nothing says the request was wrong"),
        BUSY("the node is at its capacity for this second; try again shortly"),
        FULL("the node is full (store or timers); trying again soon will not help"),
        RATE_LIMITED("the caller sent too much at once"),
        FORBIDDEN("the caller may not do this: not the object's owner, a replayed or stale request, no admin token"),
        INTERNAL("a bug or a local failure; no detail leaves the node");

        private final String meaning;

        Kind(String meaning) {
            this.meaning = meaning;
        }

        /** What errors of this kind have in common, in one line. */
        public String meaning() {
            return meaning;
        }
    }

    private final int code;
    private final Kind kind;
    private final String meaning;
    private final String remedy;

    ErrorCode(int code, Kind kind, String meaning, String remedy) {
        this.code = code;
        this.kind = kind;
        this.meaning = meaning;
        this.remedy = remedy;
    }

    /** This error's own number, unique in the catalogue. */
    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** What the error means, in one line. */
    public String meaning() {
        return meaning;
    }

    /** What the user can do about it. */
    public String remedy() {
        return remedy;
    }

    /** True for errors that travel in KRPC replies with their own code. */
    public boolean onTheWire() {
        return code < 900;
    }

    /**
     * The code sent in a KRPC error reply: the error's own for wire errors; a local error that ever had to be
     * relayed is a generic (201) or server (202) error.
     */
    public int krpcCode() {
        if (onTheWire()) {
            return code;
        }
        return kind == Kind.INTERNAL ? SERVER.code : GENERIC.code;
    }

    /** The entry with the number {@code code}, if the catalogue has one (the gateway's error bodies carry it). */
    public static java.util.Optional<ErrorCode> byCode(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }

    /** The entry a KRPC error code received from a node stands for; {@link #GENERIC} for a code we do not know. */
    public static ErrorCode ofKrpc(int krpcCode) {
        for (ErrorCode c : values()) {
            if (c.code == krpcCode && c.onTheWire()) {
                return c;
            }
        }
        return GENERIC;
    }
}
