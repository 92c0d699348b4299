package dev.comet.krpc;

import dev.comet.id.NodeId;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.random.RandomGenerator;

/**
 * BEP 5 write tokens: SHA-1 of a secret, the requester's IP and the target, cut to 8 bytes. The secret is rotated
 * every period and the previous one stays valid, so a token lives between one and two periods. Owned by its node, and
 * used on its thread only: it keeps one digest for every token (every get, get_peers and comet_get answer makes one,
 * and looking SHA-1 up in the providers cost more than hashing).
 */
public final class TokenManager {
    private static final int TOKEN_BYTES = 8;
    private static final int SECRET_BYTES = 16;

    private final RandomGenerator random;
    private final MessageDigest sha1;
    private byte[] current;
    private byte[] previous;

    public TokenManager(RandomGenerator random) {
        this.random = random;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        this.current = newSecret();
        this.previous = current;
    }

    /** Starts a new period: tokens of the period before last stop being accepted. */
    public void rotate() {
        previous = current;
        current = newSecret();
    }

    public byte[] tokenFor(InetAddress requester, NodeId target) {
        return token(current, requester, target);
    }

    public boolean valid(byte[] token, InetAddress requester, NodeId target) {
        return token != null && token.length == TOKEN_BYTES
                && (MessageDigest.isEqual(token, token(current, requester, target))
                || MessageDigest.isEqual(token, token(previous, requester, target)));
    }

    private byte[] newSecret() {
        byte[] s = new byte[SECRET_BYTES];
        random.nextBytes(s);
        return s;
    }

    private byte[] token(byte[] secret, InetAddress requester, NodeId target) {
        sha1.reset();
        sha1.update(secret);
        sha1.update(requester.getAddress());
        sha1.update(target.toBytes());
        byte[] digest = sha1.digest();
        byte[] out = new byte[TOKEN_BYTES];
        System.arraycopy(digest, 0, out, 0, TOKEN_BYTES);
        return out;
    }
}
