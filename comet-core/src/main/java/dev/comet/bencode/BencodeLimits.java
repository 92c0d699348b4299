package dev.comet.bencode;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * Bounds the decoder enforces on untrusted input.
 *
 * @param maxDepth        deepest nesting of lists and dictionaries (a top-level list is depth 1)
 * @param maxStringLength longest byte string (dictionary keys included)
 * @param maxInputLength  longest input accepted, in bytes
 * @param maxItems        most elements decoded in total (every value, container and dictionary key counts one)
 */
public record BencodeLimits(int maxDepth, int maxStringLength, int maxInputLength, int maxItems) {
    /** Limits for a KRPC datagram: depth 32, strings and input up to 16 KiB, 4096 elements. */
    public static final BencodeLimits DEFAULT = new BencodeLimits(32, 16384, 16384, 4096);

    public BencodeLimits {
        if (maxDepth <= 0 || maxStringLength <= 0 || maxInputLength <= 0 || maxItems <= 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "bencode limits must all be > 0: depth=" + maxDepth
                    + " string=" + maxStringLength + " input=" + maxInputLength + " items=" + maxItems);
        }
    }
}
