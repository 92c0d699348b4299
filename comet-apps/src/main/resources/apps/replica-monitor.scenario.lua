-- Replica monitoring on 1,000 nodes with churn (exponential sessions, mean 2 h): the object's replicas ask each
-- other every minute. Killing two replicas shows in the report within one timer period: read 75 s after the
-- kill, it names neither of them, and it named at least 5 answering replicas before.
scenario { name = "replica-monitor", seed = 1, duration = 1800 }
network { nodes = 1000, latency = {10, 100}, settle = 120, churn = { session = "exponential", mean = 7200 } }

local monitored = object { name = "monitored", file = "replica-monitor.lua", key = "replica monitor", replicas = 8 }
local killed = {}

series { name = "replicas", every = 60, sample = function() return replicas(monitored) end }
series { name = "handler messages", every = 60, sample = function() return handler_messages() end }
series { name = "replicas in the report" }
series { name = "killed replicas in the report" }

local function read_report()
  get(monitored, { on = function(a)
    local report = type(a.value) == "table" and a.value or {}
    record("replicas in the report", #report)
    local stale = 0
    for _, id in ipairs(report) do
      for _, dead in ipairs(killed) do
        if id == dead then stale = stale + 1 end
      end
    end
    record("killed replicas in the report", stale)
  end })
end

at(0, function() put(monitored) end)
every(300, read_report, { from = 300, to = 900 })
at(1000, function() killed = kill_replicas(monitored, 2) note("killed", killed[1], killed[2]) end)
at(1075, read_report)

check { name = "the report names the answering replicas", series = "replicas in the report", stat = "first", at_least = 5 }
check { name = "two replicas were killed", value = function() return #killed end, equals = 2 }
check { name = "the killed replicas leave the report within a period", series = "killed replicas in the report",
        stat = "last", equals = 0 }
check { name = "the report after the kill was read", series = "killed replicas in the report", stat = "count",
        equals = 4 }
check { name = "the report still names live replicas", series = "replicas in the report", stat = "last", at_least = 4 }
