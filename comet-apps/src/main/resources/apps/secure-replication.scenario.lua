-- Security-enhanced replication on 300 nodes: 10 attacker nodes join with ids sharing 32 bits with the key,
-- closer to it than any replica. With the default replication they would receive copies within seconds
-- (store-on-join) and at every hourly republish; with the handlers, none ever holds one, and the value
-- stays readable from its original replicas. The attackers are the closest nodes to the key, so a plain get
-- (which asks the closest replicas in turn) would not reach the real ones: readers ask all replicas.
scenario { name = "secure-replication", seed = 1, duration = 3 * 3600 }
network { nodes = 300, latency = {10, 100}, settle = 120 }

local share = object { name = "key share", file = "secure-replication.lua", key = "vanish key share", replicas = 5,
                       ttl = 86400 }
local attackers = {}

series { name = "copies on attackers", every = 600, sample = function()
  local copies = 0
  for _, node in ipairs(attackers) do
    if holds(node, share) then copies = copies + 1 end
  end
  return copies
end }
series { name = "replicas", every = 600, sample = function() return replicas(share) end }
series { name = "answers with the value" }

at(0, function() put(share) end)
at(300, function() attackers = join_near(share, 10) end)
every(1800, function()
  get(share, { all = true, on = function(a)
    if a.value == "a key share" then record("answers with the value", 1) end
  end })
end, { from = 900 })

check { name = "no attacker ever holds a copy", series = "copies on attackers", stat = "max", equals = 0 }
check { name = "the value stays readable from its replicas", series = "answers with the value", stat = "count",
        at_least = 25 }
check { name = "its replicas are the first five", value = function() return replicas(share) end, equals = 5 }
