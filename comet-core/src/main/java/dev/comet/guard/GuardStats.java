package dev.comet.guard;

/**
 * What a node's guard has done: a snapshot of its counters.
 *
 * @param bannedDropped       datagrams dropped unread because their source was banned
 * @param throttledBySource   queries dropped because their source ran over its token bucket
 * @param throttledGlobal     queries dropped because the node ran over {@code globalQueriesPerSecond}
 * @param floodBans           sources banned for flooding
 * @param idChangeBans        sources banned because the node there changed its id
 * @param activeBans          sources banned now
 * @param repliesRefused      replies too large for an unverified source, answered with error 370 instead
 * @param repliesDropped      replies dropped because the node ran over {@code globalReplyBytesPerSecond}
 * @param queriesDelayed      queries of ours that waited to stay below their destination's allowance
 * @param queriesRefused      queries of ours failed at once: their destination's allowance was spoken for a whole
 *                            request timeout ahead
 * @param storesRefused       new records refused because their source had used up its share of the store
 */
public record GuardStats(long bannedDropped, long throttledBySource, long throttledGlobal, long floodBans,
                         long idChangeBans, int activeBans, long repliesRefused, long repliesDropped,
                         long queriesDelayed, long queriesRefused, long storesRefused) {
}
