package dev.comet.client;

/**
 * A BEP 44 item found in the DHT, verified: its target, its value (a string value as text; other bencoded
 * values as their bencoding read as ISO-8859-1), and for a mutable item its seq and public key (hex).
 */
public record ItemResult(String target, String value, Long seq, String publicKey) {
}
