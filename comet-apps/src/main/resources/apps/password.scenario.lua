-- Password-based access: gets without the password and with a wrong one see nothing; with it, the value.
scenario { name = "password", seed = 1, duration = 300 }
network { nodes = 60, latency = {10, 80}, settle = 60 }

local location = object { name = "location", file = "password.lua", key = "adeona location", replicas = 3,
                          set = { password = "s3cret" } }
local value = "the laptop was last seen at 10.0.0.7"

series { name = "seen without password" }
series { name = "seen with wrong password" }
series { name = "seen with password" }

at(0, function() put(location) end)
every(20, function()
  get(location, { on = function(a) record("seen without password", a.value == value) end })
  get(location, { args = { password = "guess" }, on = function(a) record("seen with wrong password", a.value == value) end })
  get(location, { args = { password = "s3cret" }, on = function(a) record("seen with password", a.value == value) end })
end, { from = 20, to = 200 })

check { name = "nothing without the password", series = "seen without password", stat = "sum", equals = 0 }
check { name = "nothing with a wrong password", series = "seen with wrong password", stat = "sum", equals = 0 }
check { name = "the value with the password", series = "seen with password", stat = "sum", equals = 10 }
check { name = "every get was answered", series = "seen without password", stat = "count", equals = 10 }
