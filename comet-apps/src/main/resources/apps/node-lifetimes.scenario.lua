-- DHT-internal node lifetimes on 1,000 nodes with churn whose sessions are known: exponential, mean 30 minutes.
-- After four hours every replica answers the mean session it measured from the nodes it watched; each must be
-- within 20 % of 1,800 s, and so must their mean. The error is in the report.
scenario { name = "node-lifetimes", seed = 1, duration = 14400 }
network { nodes = 1000, latency = {10, 100}, settle = 120, churn = { session = "exponential", mean = 1800 } }

local probe = object { name = "probe", file = "node-lifetimes.lua", key = "node lifetimes", replicas = 8,
                       ttl = 86400 }
local TRUE_MEAN = 1800

series { name = "replicas", every = 600, sample = function() return replicas(probe) end }
series { name = "measured mean session" }
series { name = "deaths seen" }

at(0, function() put(probe) end)
at(14340, function() -- an answer needs a few seconds: read a minute before the end
  get(probe, { all = true, on = function(a)
    if type(a.value) == "table" and a.value.deaths then
      record("measured mean session", a.value.mean)
      record("deaths seen", a.value.deaths)
    end
  end })
end)

check { name = "replicas answered a measurement", series = "measured mean session", stat = "count", at_least = 4 }
check { name = "error of the replicas' mean against the true mean session", at_most = 0.2,
        value = function()
          local m = stat("measured mean session", "mean")
          return m and math.abs(m - TRUE_MEAN) / TRUE_MEAN
        end }
check { name = "every replica's measure is within 40 %", series = "measured mean session", stat = "min",
        at_least = 0.6 * TRUE_MEAN }
check { name = "each replica saw many sessions end", series = "deaths seen", stat = "min", at_least = 20 }
