-- Popularity: 30 gets from random nodes, then every replica is asked for its count.
-- The counts add up to the 30 gets plus the reads of the counts themselves.
scenario { name = "popularity", seed = 1, duration = 400 }
network { nodes = 80, latency = {10, 80}, settle = 60 }

local counter = object { name = "counter", file = "popularity.lua", key = "popular", replicas = 4 }
local gets = 30

series { name = "values read" }
series { name = "count reads" }
series { name = "counts" }
series { name = "counted on replicas", every = 30, sample = function()
  local sum = 0
  for _, state in ipairs(states(counter)) do sum = sum + state.getCount end
  return sum
end }

at(0, function() put(counter) end)
every(10, function()
  get(counter, { on = function(a) record("values read", a.value == "a popular value") end })
end, { from = 10, to = 10 * gets })
at(350, function()
  get(counter, { all = true, args = { count = "1" }, on = function(a)
    record("count reads", 1)
    record("counts", type(a.value) == "number" and a.value or 0)
  end })
end)

check { name = "every get saw the value", series = "values read", stat = "sum", equals = gets }
check { name = "the replicas answered their counts", series = "count reads", stat = "count", at_least = 1 }
check { name = "counts add up to the gets plus the count reads", value = function()
  return stat("counts", "sum") - stat("count reads", "count")
end, equals = gets }
