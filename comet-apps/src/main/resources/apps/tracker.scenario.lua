-- The smart tracker on 1,000 nodes with churn, on a network whose latencies come from hosts' places (five continents):
-- every node computes Vivaldi coordinates from its round trips. 80 peers of a swarm announce themselves (address and
-- coordinates) every 10 minutes, a departed one replaced by a newcomer; from minute 20, every 30 s a random node asks
-- for 5 peers. The true one-way latency to the peers it gets is compared with that to 5 peers drawn at random from
-- the swarm, and with the best 5 the swarm holds.
scenario { name = "tracker", seed = 1, duration = 3000 }
network { nodes = 1000, latency = { space = "continents" }, settle = 120,
          churn = { session = "exponential", mean = 7200 } }

local swarm = object { name = "swarm", file = "tracker.lua", key = "tracker swarm", replicas = 8, ttl = 86400 }
local SWARM, WANT = 80, 5

series { name = "replicas", every = 600, sample = function() return replicas(swarm) end }
series { name = "peers returned" }
series { name = "latency to returned peers" }
series { name = "latency to random peers" }
series { name = "latency to the nearest peers" }

local members = {}  -- the swarm's peers: nodes, replaced when they leave
local announced = {} -- address -> node, of every peer that announced

local function mean(requester, addrs)
  local sum = 0
  for _, addr in ipairs(addrs) do sum = sum + latency(requester, addr) end
  return sum / #addrs
end

at(0, function() put(swarm) end)
every(600, function()
  for i = 1, SWARM do
    if members[i] == nil or not alive(members[i]) then members[i] = pick() end
    local peer = members[i]
    get(swarm, { from = peer, all = true, args = { announce = "1" },
                 on = function() announced[address(peer)] = peer end })
  end
end, { from = 60 })

every(30, function()
  local requester = pick()
  local me = address(requester)
  get(swarm, { from = requester, args = { want = tostring(WANT) }, on = function(a)
    if type(a.value) ~= "table" or #a.value == 0 then return end
    record("peers returned", #a.value)
    record("latency to returned peers", mean(requester, a.value))
    -- the swarm as the tracker knows it, but the requester: a random WANT of them, and the nearest WANT
    local others = {}
    for addr in pairs(announced) do if addr ~= me then others[#others + 1] = addr end end
    table.sort(others)
    local shuffled = {}
    for i, addr in ipairs(others) do
      local j = math.random(i)
      shuffled[i] = shuffled[j]
      shuffled[j] = addr
    end
    record("latency to random peers", mean(requester, { table.unpack(shuffled, 1, WANT) }))
    table.sort(others, function(x, y) return latency(requester, x) < latency(requester, y) end)
    record("latency to the nearest peers", mean(requester, { table.unpack(others, 1, WANT) }))
  end })
end, { from = 1200 })

local function ratio(series)
  local got, other = stat("latency to returned peers", "mean"), stat(series, "mean")
  return got and other and got / other
end

check { name = "gets answered with peers", series = "peers returned", stat = "count", at_least = 50 }
check { name = "each answer has the peers asked for", series = "peers returned", stat = "min", equals = WANT }
-- a random subset is 1 on average; the best the swarm allows is the nearest peers' latency. Coordinates are estimates:
-- a requester that has not settled yet (Vivaldi error 0.4 or more) gets peers little nearer than random ones
check { name = "returned peers' latency over random peers'", value = function() return ratio("latency to random peers") end,
        at_most = 0.7 }
check { name = "returned peers' latency over the nearest peers'",
        value = function() return ratio("latency to the nearest peers") end, at_most = 2.5 }
