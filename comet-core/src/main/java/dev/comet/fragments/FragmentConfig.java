package dev.comet.fragments;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * How large Comet messages travel in fragments (docs/protocol.md, "Fragments"), part of {@code NodeConfig}.
 *
 * @param fragmentBytes           the largest datagram a Comet message between Comet nodes is sent in (default 1,400,
 *                                under any real path's MTU); a larger {@code comet_*} query or answer goes in
 *                                fragments of at most this many bytes. Standard BEP 5/44 messages are never split
 * @param maxPartialPerSource     messages one source may have half received at once (default 4); a fifth pushes out
 *                                its oldest
 * @param maxPartialBytes         bytes of half-received messages the node keeps from all sources together (default
 *                                1 MiB); past it the oldest message goes
 * @param reassemblyTimeoutMillis how long a half-received message waits for its missing fragments (default 5 s:
 *                                longer than a request's retries, after which the sender starts over)
 */
public record FragmentConfig(int fragmentBytes, int maxPartialPerSource, int maxPartialBytes,
                             long reassemblyTimeoutMillis) {
    /** The smallest {@code fragmentBytes}: a fragment's header takes up to {@link Fragment#HEADER_BYTES}. */
    public static final int MIN_FRAGMENT_BYTES = 512;

    public FragmentConfig {
        if (fragmentBytes < MIN_FRAGMENT_BYTES) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "fragments.fragmentBytes must be at least " + MIN_FRAGMENT_BYTES + ", got " + fragmentBytes);
        }
        if (maxPartialPerSource < 1 || maxPartialBytes < 1 || reassemblyTimeoutMillis < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "fragments.maxPartialPerSource, maxPartialBytes and "
                    + "reassemblyTimeoutMillis must be positive");
        }
    }

    public static FragmentConfig defaults() {
        return new FragmentConfig(1_400, 4, 1 << 20, 5_000);
    }

    /** These settings with Comet messages sent in datagrams of up to {@code bytes}. */
    public FragmentConfig withFragmentBytes(int bytes) {
        return new FragmentConfig(bytes, maxPartialPerSource, maxPartialBytes, reassemblyTimeoutMillis);
    }
}
