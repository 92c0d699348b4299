-- P2P file sharing's recursive gets: a file's entry (aso.name, aso.size, and aso.tracker: the key of its swarm's
-- tracker.lua object) whose get answers the file and its swarm's peers nearest the reader, in one answer. The
-- replica asks the tracker's replicas, which its node finds, for the peers on the reader's behalf (the get's
-- arguments and the reader's coordinates go along), and answers the get with what comes back: comet.answerLater().
-- The tracker's onGet runs for an object's request, so it may not ask further: a get costs at most one more get,
-- never a chain (no amplification).
function onGet(caller, args)
  local c = caller.coordinates or {}
  local ask = { want = args.want, x = args.x or c.x and tostring(c.x), y = args.y or c.y and tostring(c.y),
                h = args.h or c.h and tostring(c.h) }
  comet.get(self.tracker, "replicas", "withPeers", ask)
  comet.answerLater()
end

function withPeers(from, peers)
  return { name = self.name, size = self.size, peers = type(peers) == "table" and peers or {} }
end
