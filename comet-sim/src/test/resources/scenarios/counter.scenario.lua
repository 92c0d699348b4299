-- The seed example's get counter on 60 nodes: 20 gets from random nodes, each answer counted.
scenario { name = "counter", seed = 3, duration = 300 }
network { nodes = 60, latency = {10, 50}, settle = 60 }

local counter = object { name = "counter", file = "counter.lua", replicas = 3, ttl = 3600,
                         set = { value = "Hello \"world\"\n", getCount = 0, counting = true } }

series { name = "count answered" }
series { name = "replicas", every = 30, sample = function() return replicas(counter) end }
series { name = "counted on replicas", every = 30, sample = function()
  local sum = 0
  for _, state in ipairs(states(counter)) do sum = sum + state.getCount end
  return sum
end }

at(0, function() put(counter) end)
every(10, function()
  get(counter, { on = function(a)
    record("count answered", type(a.value) == "table" and a.value[2] or 0)
  end })
end, { from = 10, to = 200 })

check { name = "every get answered with a count", series = "count answered", stat = "min", at_least = 1 }
check { name = "twenty gets", series = "count answered", stat = "count", equals = 20 }
check { name = "replicas counted them all", series = "counted on replicas", stat = "last", equals = 20 }
check { name = "three replicas", value = function() return replicas(counter) end, equals = 3 }
check { name = "the set value", value = function() return states(counter)[1].value end, equals = "Hello \"world\"\n" }
