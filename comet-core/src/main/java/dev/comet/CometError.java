package dev.comet;

/**
 * One error as a value, as it travels between layers: its {@link ErrorCode} and a message a person can read (never
 * exception text from another machine's internals).
 */
public record CometError(ErrorCode code, String message) {
    /** Longest message kept from a remote node, in characters: a peer's text is bounded before we pass it on. */
    public static final int MAX_MESSAGE_CHARS = 1_000;

    public CometError {
        if (code == null || message == null) {
            throw new NullPointerException("an error needs a code and a message");
        }
    }

    /** An error with the catalogue's own meaning as its message. */
    public static CometError of(ErrorCode code) {
        return new CometError(code, code.meaning());
    }

    /** The error a node answered with in a KRPC error reply; a code we do not know keeps its number in the text. */
    public static CometError ofKrpc(int krpcCode, String message) {
        ErrorCode code = ErrorCode.ofKrpc(krpcCode);
        String text = bounded(message == null ? "" : message);
        return new CometError(code, code.code() == krpcCode ? text : "error " + krpcCode + ": " + text);
    }

    /** {@code message} cut to {@link #MAX_MESSAGE_CHARS}. */
    public static String bounded(String message) {
        return message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "…" : message;
    }

    public ErrorCode.Kind kind() {
        return code.kind();
    }

    /** The error as people read it in logs and the CLI: code and message, e.g. "330 onGet: wrong password". */
    @Override
    public String toString() {
        return code.code() + " " + message;
    }
}
