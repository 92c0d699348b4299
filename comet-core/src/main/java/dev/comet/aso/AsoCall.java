package dev.comet.aso;

import dev.comet.coords.Estimate;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.List;
import java.util.Map;

/**
 * One handler invocation asked of an {@link AsoRuntime}.
 *
 * @param key       the object's key
 * @param code      its code
 * @param state     its last saved state, or null for an object new on this node (its chunk's own state)
 * @param fresh     whether the object is new on this node: load it from {@code code} and {@code state} even if the
 *                  runtime holds an older instance under this key
 * @param handler   the handler to run: one of DESIGN.md §4, or the name a {@code comet.get} asked its answers for
 * @param caller    who asked (the {@code caller} table), or null for a timer
 * @param args      {@code onGet}'s arguments
 * @param incoming  for {@code onUpdate}: the object that arrived (its code, and its state when a replica sent it)
 * @param answer    for an answer handler: what the asked node answered
 * @param neighbors what {@code comet.lookup()} answers: the Comet nodes this node knows closest to the key
 * @param mayRequest false when a request sent by another object triggered this invocation, or when it delivers an
 *                   answer to this object's own request (no amplification chains, no self-sustaining chains)
 * @param expiresAtMillis when the object expires on the node's clock ({@link Long#MAX_VALUE}: not said); the
 *                   runtime drops what it holds of the object then, as the node never tells it of an expiry
 * @param update    a change to a signed object's value, or null
 * @param here      the node's own network coordinate when the call was made ({@code comet.coordinates()}), or null
 *                  when the node computes none
 */
public record AsoCall(NodeId key, byte[] code, byte[] state, boolean fresh, String handler, Caller caller,
                      Map<String, byte[]> args, Incoming incoming, Answer answer, List<Contact> neighbors,
                      boolean mayRequest, long expiresAtMillis, ValueUpdate update, Estimate here) {
    /** The handler name of a call that installs a version another replica made: no object can define it. */
    public static final String INSTALL = "(install version)";

    public AsoCall {
        args = Map.copyOf(args);
        neighbors = List.copyOf(neighbors);
    }

    /** A call made where the node's coordinate is not said. */
    public AsoCall(NodeId key, byte[] code, byte[] state, boolean fresh, String handler, Caller caller,
                   Map<String, byte[]> args, Incoming incoming, Answer answer, List<Contact> neighbors,
                   boolean mayRequest, long expiresAtMillis, ValueUpdate update) {
        this(key, code, state, fresh, handler, caller, args, incoming, answer, neighbors, mayRequest, expiresAtMillis,
                update, null);
    }

    /** This call, made on a node whose coordinate is {@code estimate} (null: it computes none). */
    public AsoCall at(Estimate estimate) {
        return new AsoCall(key, code, state, fresh, handler, caller, args, incoming, answer, neighbors, mayRequest,
                expiresAtMillis, update, estimate);
    }

    /** A call that changes no version of the object's value. */
    public AsoCall(NodeId key, byte[] code, byte[] state, boolean fresh, String handler, Caller caller,
                   Map<String, byte[]> args, Incoming incoming, Answer answer, List<Contact> neighbors,
                   boolean mayRequest, long expiresAtMillis) {
        this(key, code, state, fresh, handler, caller, args, incoming, answer, neighbors, mayRequest, expiresAtMillis,
                null);
    }

    /** A call that does not say when the object expires. */
    public AsoCall(NodeId key, byte[] code, byte[] state, boolean fresh, String handler, Caller caller,
                   Map<String, byte[]> args, Incoming incoming, Answer answer, List<Contact> neighbors,
                   boolean mayRequest) {
        this(key, code, state, fresh, handler, caller, args, incoming, answer, neighbors, mayRequest, Long.MAX_VALUE);
    }

    /**
     * The requester: its address and node id, whether it replicates the object, the object that sent it if any, and
     * its network coordinate when its query carried one or the node heard one from it (else null).
     */
    public record Caller(String ip, int port, NodeId id, boolean replica, NodeId aso, Estimate coordinates) {
        /** A requester whose coordinate is not known. */
        public Caller(String ip, int port, NodeId id, boolean replica, NodeId aso) {
            this(ip, port, id, replica, aso, null);
        }
    }

    /**
     * A change to a signed object's value ({@code aso.value}, docs/owned-objects.md): a writer's guarded update to
     * evaluate at {@code version} ({@code program}; then {@code onUpdate} runs and may refuse it), or, with no program,
     * {@code value} to install as it is (a version the primary made; no handler runs).
     */
    public record ValueUpdate(dev.comet.owned.UpdateProgram program, long version, byte[] writer, byte[] value) {
        /** A writer's guarded update, evaluated against the value at {@code version}. */
        public static ValueUpdate evaluate(dev.comet.owned.UpdateProgram program, long version, byte[] writer) {
            return new ValueUpdate(program, version, writer, null);
        }

        /** A version made elsewhere, installed as it is. */
        public static ValueUpdate install(long version, byte[] value) {
            return new ValueUpdate(null, version, new byte[0], value);
        }
    }

    /** The object a put brought for a key already stored here. */
    public record Incoming(byte[] code, byte[] state) {
    }

    /**
     * One node's answer to a {@code comet.get}: its value (bencodable) or why there is none; {@code from} is null when
     * no node could answer (a get from the replicas that found none).
     */
    public record Answer(Contact from, Object value, dev.comet.CometError error) {
    }
}
