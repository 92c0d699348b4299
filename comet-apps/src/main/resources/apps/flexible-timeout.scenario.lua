-- Flexible timeout on 1,000 nodes with churn (mean session 8 h): an object set to live 10 minutes is gone from
-- every replica after them; one set to live a day and a half is still read after a day. Both have the nodes'
-- longest TTL (7 days), so only their handlers end them. (The issue asks for 3 days and 2 days: the same file
-- with duration = 2 * 86400 and lifetime = 3 * 86400 passes too, in about twice the time.)
scenario { name = "flexible-timeout", seed = 1, duration = 86400 }
network { nodes = 1000, latency = {10, 100}, settle = 120, churn = { session = "exponential", mean = 8 * 3600 } }

local short = object { name = "ten minutes", file = "flexible-timeout.lua", key = "vanish short", replicas = 8,
                       ttl = 7 * 86400, set = { lifetime = 600 } }
local long = object { name = "a day and a half", file = "flexible-timeout.lua", key = "vanish long", replicas = 8,
                      ttl = 7 * 86400, set = { lifetime = 36 * 3600 } }

series { name = "short-lived replicas", every = 600, sample = function() return replicas(short) end }
series { name = "long-lived replicas", every = 3600, sample = function() return replicas(long) end }
series { name = "short-lived value read after 15 min" }
series { name = "long-lived value read" }

at(0, function() put(short) put(long) end)
every(300, function()
  get(short, { on = function(a) record("short-lived value read after 15 min", a.value ~= nil) end })
end, { from = 900, to = 3600 })
every(4 * 3600, function()
  get(long, { on = function(a) record("long-lived value read", a.value ~= nil) end })
end, { from = 3600 })

check { name = "the short-lived object reached its replicas", value = function() return stat("short-lived replicas", "max") end, at_least = 4 }
check { name = "no replica holds the short-lived object after 20 minutes", value = function() return replicas(short) end, equals = 0, at = 1200 }
check { name = "nobody reads the short-lived value after it", series = "short-lived value read after 15 min", stat = "sum", equals = 0 }
check { name = "the long-lived object is read after a day", series = "long-lived value read", stat = "last", equals = 1 }
check { name = "the long-lived object has replicas after a day", value = function() return replicas(long) end, at_least = 4 }
