package dev.comet.core;

/**
 * What a node's fragmentation layer did (docs/protocol.md, "Fragments").
 *
 * @param messagesFragmented Comet messages this node sent in fragments
 * @param fragmentsSent      the fragments those took
 * @param messagesReassembled messages this node put back together from fragments it received
 * @param fragmentsDropped   fragments that did not decode, and half-received messages dropped (timed out, pushed out
 *                           by the memory bounds, contradictory or announcing a size over {@code maxDatagramBytes})
 * @param bufferedBytes      bytes held now for half-received messages
 */
public record FragmentStats(long messagesFragmented, long fragmentsSent, long messagesReassembled,
                            long fragmentsDropped, long bufferedBytes) {
}
