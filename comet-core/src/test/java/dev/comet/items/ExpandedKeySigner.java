package dev.comet.items;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Test-only Ed25519 signer that starts from a 64-byte <em>expanded</em> secret key (the form libtorrent, ref10 and
 * BEP 44's test vectors print: the clamped scalar {@code a} in the first 32 bytes, little-endian, and the
 * {@code prefix} in the last 32), which the JDK cannot sign with. Written from RFC 8032: §5.1.6 (sign) with the
 * key expansion of step 1 already done, §5.1.4 (point addition in extended coordinates) and §5.1.2 (encoding).
 * Slow, not constant time: for test vectors only.
 */
final class ExpandedKeySigner {
    /** The field prime p = 2^255 - 19. */
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** d = -121665 / 121666 mod p. */
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    /** The group order L = 2^252 + 27742317777372353535851937790883648493. */
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    /** sqrt(-1) mod p = 2^((p-1)/4). */
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    /** The base point B: y = 4/5, x the even ("positive") root. */
    static final Point BASE = basePoint();

    private ExpandedKeySigner() {
    }

    /** A point (X:Y:Z:T) in extended homogeneous coordinates: x = X/Z, y = Y/Z, x*y = T/Z. */
    record Point(BigInteger x, BigInteger y, BigInteger z, BigInteger t) {
        static final Point NEUTRAL = new Point(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO);

        static Point affine(BigInteger x, BigInteger y) {
            return new Point(x, y, BigInteger.ONE, x.multiply(y).mod(P));
        }

        /** RFC 8032 §5.1.4: addition (complete, so it doubles too). */
        Point add(Point q) {
            BigInteger a = y.subtract(x).multiply(q.y.subtract(q.x)).mod(P);
            BigInteger b = y.add(x).multiply(q.y.add(q.x)).mod(P);
            BigInteger c = t.multiply(BigInteger.TWO).multiply(D).multiply(q.t).mod(P);
            BigInteger dd = z.multiply(BigInteger.TWO).multiply(q.z).mod(P);
            BigInteger e = b.subtract(a);
            BigInteger f = dd.subtract(c);
            BigInteger g = dd.add(c);
            BigInteger h = b.add(a);
            return new Point(e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P));
        }

        /** [k]this by double-and-add, most significant bit first. */
        Point multiply(BigInteger k) {
            Point r = NEUTRAL;
            for (int i = k.bitLength() - 1; i >= 0; i--) {
                r = r.add(r);
                if (k.testBit(i)) {
                    r = r.add(this);
                }
            }
            return r;
        }

        /** RFC 8032 §5.1.2: y as 32 little-endian bytes, the top bit of the last byte set to the low bit of x. */
        byte[] encode() {
            BigInteger zInv = z.modInverse(P);
            BigInteger ax = x.multiply(zInv).mod(P);
            BigInteger ay = y.multiply(zInv).mod(P);
            byte[] out = littleEndian(ay, 32);
            if (ax.testBit(0)) {
                out[31] |= (byte) 0x80;
            }
            return out;
        }

        /** True when this point lies on -x^2 + y^2 = 1 + d x^2 y^2 (checked in affine form). */
        boolean onCurve() {
            BigInteger zInv = z.modInverse(P);
            BigInteger ax = x.multiply(zInv).mod(P);
            BigInteger ay = y.multiply(zInv).mod(P);
            BigInteger x2 = ax.multiply(ax).mod(P);
            BigInteger y2 = ay.multiply(ay).mod(P);
            BigInteger left = y2.subtract(x2).mod(P);
            BigInteger right = BigInteger.ONE.add(D.multiply(x2).multiply(y2)).mod(P);
            return left.equals(right);
        }
    }

    /** The base point B of RFC 8032 §5.1: y = 4/5, x even. */
    private static Point basePoint() {
        BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        return Point.affine(recoverX(y, 0), y);
    }

    /** RFC 8032 §5.1.3 step 2-4: x from y and the sign bit of x. */
    private static BigInteger recoverX(BigInteger y, int sign) {
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
        BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
        BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).mod(P).equals(x2)) {
            x = x.multiply(SQRT_M1).mod(P);
        }
        if (!x.multiply(x).mod(P).equals(x2)) {
            throw new IllegalStateException("no square root");
        }
        if (x.testBit(0) != (sign == 1)) {
            x = P.subtract(x);
        }
        return x;
    }

    /** The scalar a of an expanded key: the first 32 bytes little-endian, clamped (again, to be safe). */
    static BigInteger scalar(byte[] expanded) {
        check(expanded);
        byte[] s = Arrays.copyOf(expanded, 32);
        s[0] &= (byte) 0xF8;
        s[31] &= (byte) 0x7F;
        s[31] |= (byte) 0x40;
        return fromLittleEndian(s);
    }

    /** The public key A = [a]B, encoded. */
    static byte[] publicKey(byte[] expanded) {
        return BASE.multiply(scalar(expanded)).encode();
    }

    /** RFC 8032 §5.1.6 steps 2-6 with the scalar and prefix taken from the expanded key. */
    static byte[] sign(byte[] expanded, byte[] message) {
        BigInteger a = scalar(expanded);
        byte[] prefix = Arrays.copyOfRange(expanded, 32, 64);
        byte[] publicKey = BASE.multiply(a).encode();
        BigInteger r = fromLittleEndian(sha512(prefix, message)).mod(L);
        byte[] rEncoded = BASE.multiply(r).encode();
        BigInteger k = fromLittleEndian(sha512(rEncoded, publicKey, message)).mod(L);
        BigInteger s = r.add(k.multiply(a)).mod(L);
        byte[] signature = Arrays.copyOf(rEncoded, 64);
        System.arraycopy(littleEndian(s, 32), 0, signature, 32, 32);
        return signature;
    }

    /** RFC 8032 §5.1.5 step 1-2: the expanded key of a 32-byte seed, SHA-512(seed) (clamping happens in scalar). */
    static byte[] expand(byte[] seed) {
        return sha512(seed);
    }

    private static void check(byte[] expanded) {
        if (expanded == null || expanded.length != 64) {
            throw new IllegalArgumentException("an expanded ed25519 secret key is 64 bytes");
        }
    }

    static byte[] sha512(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            for (byte[] part : parts) {
                md.update(part);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-512", e);
        }
    }

    static BigInteger fromLittleEndian(byte[] b) {
        byte[] be = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            be[i] = b[b.length - 1 - i];
        }
        return new BigInteger(1, be);
    }

    static byte[] littleEndian(BigInteger v, int length) {
        byte[] be = v.toByteArray(); // big-endian, maybe with a leading sign byte
        byte[] out = new byte[length];
        for (int i = 0; i < length && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }
}
