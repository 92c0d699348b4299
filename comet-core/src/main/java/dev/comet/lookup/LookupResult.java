package dev.comet.lookup;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.List;

/**
 * What an iterative lookup found: the K closest contacts that answered (closest first), how many hops away the
 * closest was, how many requests it sent (retries included), and how long it took.
 */
public record LookupResult(NodeId target, List<Contact> closest, int hops, int messages, long durationMillis) {
}
