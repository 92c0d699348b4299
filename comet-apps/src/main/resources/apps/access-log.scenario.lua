-- Access logging: 12 gets from known nodes, each recorded with its caller and time; the owner reads a log
-- naming exactly those nodes, and a reader with a wrong secret reads no log.
scenario { name = "access-log", seed = 1, duration = 300 }
network { nodes = 60, latency = {10, 80}, settle = 60 }

local watched = object { name = "watched", file = "access-log.lua", key = "adeona watched", replicas = 1,
                         set = { ownerSecret = "owner key" } }
local readers = {}

series { name = "owner's log entries" }
series { name = "entries naming a reader" }
series { name = "logs seen by others" }

at(0, function() put(watched) end)
every(10, function()
  local reader = pick()
  get(watched, { from = reader, on = function(a)
    if a.found then readers[#readers + 1] = reader end
  end })
end, { from = 10, to = 120 })
at(200, function()
  get(watched, { args = { owner = "owner key" }, on = function(a)
    local entries = type(a.value) == "table" and a.value or {}
    record("owner's log entries", #entries)
    local named = 0
    for i, entry in ipairs(entries) do
      if readers[i] and entry[1] == node_id(readers[i]) then named = named + 1 end
    end
    record("entries naming a reader", named)
  end })
end)
-- after the owner's read: this get is logged too, and read at the same time it could reach the replica first
at(250, function()
  get(watched, { args = { owner = "not the owner" }, on = function(a)
    record("logs seen by others", type(a.value) == "table")
  end })
end)

check { name = "the owner reads one entry per get", series = "owner's log entries", stat = "last", equals = 12 }
check { name = "each entry names its reader, in order", series = "entries naming a reader", stat = "last", equals = 12 }
check { name = "others read no log", series = "logs seen by others", stat = "sum", equals = 0 }
check { name = "others were answered", series = "logs seen by others", stat = "count", equals = 1 }
