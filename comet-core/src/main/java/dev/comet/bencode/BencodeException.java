package dev.comet.bencode;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/** A bencode input that could not be decoded, or a value that cannot be encoded; always {@link ErrorCode#PROTOCOL}. */
public final class BencodeException extends CometException {
    private final int offset;

    /**
     * @param detail what went wrong, without the "bencode: " prefix or the offset
     * @param offset byte offset in the input where decoding failed, or -1 for an encode error
     */
    public BencodeException(String detail, int offset) {
        super(ErrorCode.PROTOCOL, offset >= 0
                ? "bencode: " + detail + " at offset " + offset
                : "bencode: " + detail);
        this.offset = offset;
    }

    /** Byte offset in the input where decoding failed, or -1 for an encode error. */
    public int offset() {
        return offset;
    }
}
