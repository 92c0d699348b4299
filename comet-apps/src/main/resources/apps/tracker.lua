-- Smart BitTorrent tracker: the object is one swarm's tracker. A peer announces itself with a get (args.announce =
-- "1"): the replica records its address and network coordinates. Every get answers the addresses of the peers
-- nearest the requester in network coordinates (the round trips Vivaldi predicts), not a random subset.
-- A get's arguments, all strings and optional: announce = "1"; peer = its "ip:port" (default: the requester's
-- address as this node sees it); x, y, h = the requester's coordinates (default: caller.coordinates, which a Comet
-- node's get carries); want = how many peers (default aso.want).
aso.peers = {}        -- "ip:port" -> {x, y, h, t}: where each announced peer is, and when it last announced (s)
aso.want = 5
aso.maxPeers = 100    -- the least recently announced go first: the state stays under its 16 KiB
aso.peerTtl = 1800    -- seconds a peer stays without announcing again (trackers' usual 30 minutes)

local function rtt(a, b) -- the round trip two coordinates predict: plane distance plus both heights
  return math.sqrt((a.x - b.x) ^ 2 + (a.y - b.y) ^ 2) + a.h + b.h
end

local function forgetOld(now) -- drops peers silent past peerTtl, then the least recent past maxPeers
  local live = {}
  for addr, p in pairs(self.peers) do
    if now - p.t > self.peerTtl then self.peers[addr] = nil else live[#live + 1] = addr end
  end
  local peers = self.peers
  table.sort(live, function(a, b) return peers[a].t > peers[b].t or (peers[a].t == peers[b].t and a < b) end)
  for i = self.maxPeers + 1, #live do peers[live[i]] = nil end
end

function onGet(caller, args)
  local now = math.floor(comet.systemTime() / 1000)
  local x, y = tonumber(args.x), tonumber(args.y)
  local here = x and y and { x = x, y = y, h = tonumber(args.h) or 0 } or caller.coordinates
  local me = args.peer or (caller.ip .. ":" .. caller.port)
  if args.announce == "1" and here then
    self.peers[me] = { x = here.x, y = here.y, h = here.h, t = now }
  end
  forgetOld(now)
  local ranked = {}
  for addr, p in pairs(self.peers) do
    if addr ~= me then ranked[#ranked + 1] = { addr = addr, d = here and rtt(here, p) or 0 } end
  end
  table.sort(ranked, function(a, b) return a.d < b.d or (a.d == b.d and a.addr < b.addr) end)
  local out = {}
  for i = 1, math.min(tonumber(args.want) or self.want, #ranked) do out[i] = ranked[i].addr end
  return out
end

-- replicas merge: a copy arriving (republish, hand-over) or a client's put brings its peers; the newer announcement
-- of each wins, and this replica keeps its own object
function onUpdate(caller, incoming)
  for addr, p in pairs(incoming.peers or {}) do
    if self.peers[addr] == nil or self.peers[addr].t < p.t then self.peers[addr] = p end
  end
  forgetOld(math.floor(comet.systemTime() / 1000))
  return false
end
