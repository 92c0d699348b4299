-- Recursive gets: a file's entry under "ubuntu.iso" names the tracker of its swarm ("ubuntu swarm", tracker.lua).
-- Six peers announce themselves to the tracker. A reader gets the entry once, with its coordinates (x, y) and how
-- many peers it wants: the one answer holds the file's name and the swarm's peers, which the entry's replica fetched
-- from the tracker's replicas, ranked for the reader's coordinates exactly as a get of the tracker itself ranks them.
scenario { name = "recursive-gets", seed = 1, duration = 300 }
network { nodes = 60, latency = {10, 80}, settle = 60 }

local swarm = object { name = "swarm", file = "tracker.lua", key = "ubuntu swarm", replicas = 3 }
local entry = object { name = "entry", file = "recursive-gets.lua", key = "ubuntu.iso", replicas = 3,
                       set = { name = "ubuntu.iso", size = 4071903232, tracker = "ubuntu swarm" } }
local PEERS, WANT = 6, 4

series { name = "answers naming the file" }
series { name = "peers in the answer" }
series { name = "peers in the answer that announced" }
series { name = "answers ranked as the tracker's own" }

local announced = {}  -- address -> true, of every peer that announced
at(10, function() put(swarm) end)
at(20, function() put(entry) end)
at(40, function()
  for i = 1, PEERS do
    local peer = pick()
    -- each peer says where it is, on both sides of the origin: the tracker ranks by these coordinates
    get(swarm, { from = peer, all = true, args = { announce = "1", x = tostring((-1) ^ i * 10 * i), y = "0", h = "1" },
                 on = function() announced[address(peer)] = true end })
  end
end)

-- far from the origin, where the nodes' own coordinates are: peers ranked for a node would come in another order
local reader = { want = tostring(WANT), x = "1000", y = "0", h = "1" }
local direct = nil
at(120, function()
  get(swarm, { args = reader, on = function(a) if type(a.value) == "table" then direct = a.value end end })
end)
at(150, function()
  get(entry, { args = reader, on = function(a)
    local file = type(a.value) == "table" and a.value or {}
    local peers = type(file.peers) == "table" and file.peers or {}
    record("answers naming the file", file.name == "ubuntu.iso" and 1 or 0)
    record("peers in the answer", #peers)
    local known, same = 0, direct ~= nil and #direct == #peers
    for i, addr in ipairs(peers) do
      if announced[addr] then known = known + 1 end
      if direct == nil or direct[i] ~= addr then same = false end
    end
    record("peers in the answer that announced", known)
    record("answers ranked as the tracker's own", same and 1 or 0)
  end })
end)

check { name = "one get of the entry answers the file", series = "answers naming the file", stat = "last", equals = 1 }
check { name = "and the peers it asked for", series = "peers in the answer", stat = "last", equals = WANT }
check { name = "fetched from the tracker", series = "peers in the answer that announced", stat = "last", equals = WANT }
check { name = "ranked for the reader, as a get of the tracker ranks them", series = "answers ranked as the tracker's own",
        stat = "last", equals = 1 }
