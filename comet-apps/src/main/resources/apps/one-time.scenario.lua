-- One-time values: three rounds of gets on every replica. The first round sees the value on each
-- replica; the later rounds see nothing anywhere.
scenario { name = "one-time", seed = 1, duration = 300 }
network { nodes = 60, latency = {10, 80}, settle = 60 }

local secret = object { name = "secret", file = "one-time.lua", key = "one-time secret", replicas = 3 }

series { name = "first round values" }
series { name = "later round values" }
series { name = "replicas", every = 30, sample = function() return replicas(secret) end }

at(0, function() put(secret) end)
at(60, function()
  get(secret, { all = true, on = function(a) record("first round values", a.value == "read me once") end })
end)
every(60, function()
  get(secret, { all = true, on = function(a) record("later round values", a.value == "read me once") end })
end, { from = 120, to = 240 })

check { name = "each replica gave the value once", series = "first round values", stat = "sum", equals = 3 }
check { name = "later gets saw nothing", series = "later round values", stat = "sum", equals = 0 }
check { name = "later gets reached the replicas", series = "later round values", stat = "count", at_least = 6 }
