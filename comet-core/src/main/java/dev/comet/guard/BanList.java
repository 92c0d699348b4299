package dev.comet.guard;

import dev.comet.Lru;

import java.util.Map;

/**
 * The sources a node ignores for a while: flooders and nodes that changed their id. Owns the bans (source → end
 * time, at most {@code maxTrackedSources}; when full, the least recently touched ban goes first) and the counts of
 * bans by reason.
 */
public final class BanList {
    /** Why a source was banned. */
    public enum Reason { FLOOD, ID_CHANGE }

    private final Map<Source, Long> until;
    private long floodBans;
    private long idChangeBans;

    public BanList(int maxSources) {
        this.until = new Lru<>(maxSources);
    }

    /** Bans {@code source} until {@code now + millis} (a longer ban already in force stays). */
    public void ban(Source source, Reason reason, long millis, long now) {
        long end = now + millis;
        Long current = until.get(source);
        if (current == null || current < now) {
            if (reason == Reason.FLOOD) {
                floodBans++;
            } else {
                idChangeBans++;
            }
        }
        until.put(source, current == null ? end : Math.max(current, end));
    }

    /** True while {@code source} is banned; an ended ban is forgotten. */
    public boolean banned(Source source, long now) {
        Long end = until.get(source);
        if (end == null) {
            return false;
        }
        if (end <= now) {
            until.remove(source);
            return false;
        }
        return true;
    }

    /** Bans that ended are forgotten (called from the node's maintenance). */
    public void purge(long now) {
        until.values().removeIf(end -> end <= now);
    }

    /** Sources banned now (ended bans not yet purged included). */
    public int size() {
        return until.size();
    }

    public long floodBans() {
        return floodBans;
    }

    public long idChangeBans() {
        return idChangeBans;
    }
}
