package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may delete an owned object and see an object's state, and how many versions of its value a replica keeps
 * (docs/owned-objects.md), part of {@code NodeConfig}.
 *
 * @param requestWindowMillis   how far a signed request's time may be from the node's clock, either way (default
 *                              5 min); also how long its nonce is remembered
 * @param maxRememberedRequests signed requests remembered at once to refuse their replay (default 65,536); when
 *                              that many are inside the window, a new one is refused (347) rather than one forgotten
 * @param adminToken            the operator's token for reading any object's state on this node ({@code Authorization:
 *                              Bearer TOKEN}); no default: when unset, nobody reads state by token
 * @param versionsKept          versions of a signed object's value this node keeps (default 16, at most
 *                              {@value #MAX_VERSIONS_KEPT}); older ones are reported as gone
 */
public record AccessConfig(long requestWindowMillis, int maxRememberedRequests, String adminToken, int versionsKept) {
    /** Shortest admin token accepted: a guessable one would give every object's state away. */
    public static final int MIN_ADMIN_TOKEN_CHARS = 16;
    /** Most versions a node may keep per object: each may hold a whole value (up to the state limit, 16 KiB). */
    public static final int MAX_VERSIONS_KEPT = 1024;
    public static final int DEFAULT_VERSIONS_KEPT = 16;

    /** Settings keeping the default number of versions. */
    public AccessConfig(long requestWindowMillis, int maxRememberedRequests, String adminToken) {
        this(requestWindowMillis, maxRememberedRequests, adminToken, DEFAULT_VERSIONS_KEPT);
    }

    public AccessConfig {
        if (requestWindowMillis <= 0 || maxRememberedRequests < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "access.requestWindowMillis and access.maxRememberedRequests "
                    + "must be positive");
        }
        if (versionsKept < 1 || versionsKept > MAX_VERSIONS_KEPT) {
            throw new CometException(ErrorCode.BAD_INPUT, "access.versionsKept must be 1 to " + MAX_VERSIONS_KEPT
                    + ", got " + versionsKept);
        }
        if (adminToken != null && adminToken.isEmpty()) {
            adminToken = null;
        }
        if (adminToken != null && adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
            throw new CometException(ErrorCode.BAD_INPUT, "access.adminToken must be at least " + MIN_ADMIN_TOKEN_CHARS
                    + " characters");
        }
    }

    public static AccessConfig defaults() {
        return new AccessConfig(5 * 60_000L, 65_536, null);
    }

    /** These settings with {@code token} as the operator's admin token (null: none). */
    public AccessConfig withAdminToken(String token) {
        return new AccessConfig(requestWindowMillis, maxRememberedRequests, token, versionsKept);
    }

    /** These settings keeping {@code n} versions of each signed object's value. */
    public AccessConfig withVersionsKept(int n) {
        return new AccessConfig(requestWindowMillis, maxRememberedRequests, adminToken, n);
    }

    /** True when {@code token} is the admin token; false for any token when none is set. Constant time. */
    public boolean operator(String token) {
        return adminToken != null && token != null && MessageDigest.isEqual(adminToken.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** Never shows the admin token (settings get logged). */
    @Override
    public String toString() {
        return "AccessConfig[requestWindowMillis=" + requestWindowMillis + ", maxRememberedRequests="
                + maxRememberedRequests + ", adminToken=" + (adminToken == null ? "unset" : "set") + ", versionsKept="
                + versionsKept + "]";
    }
}
