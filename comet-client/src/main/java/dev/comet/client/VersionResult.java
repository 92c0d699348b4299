package dev.comet.client;

/**
 * One kept version of a signed object's value (docs/owned-objects.md), or, in a listing, what names it.
 *
 * @param version its number (1 for the first update; the object as put is version 0, which is not kept)
 * @param hash    the SHA-256 of its bytes, 64 hex digits
 * @param size    its size in bytes
 * @param value   its bytes as text (UTF-8), or null in a listing
 */
public record VersionResult(long version, String hash, long size, String value) {
}
