-- Updates that arrive out of order: each replica keeps the newest version it has seen, because its onUpdate
-- compares versions instead of taking whatever arrives last.
scenario { name = "versioned updates", duration = 300 }
network { nodes = 50 }

local o = object {
  name = "versioned",
  code = [[
    aso.version = 1
    aso.updatesTaken = 0
    function onUpdate(caller, incoming)
      if (incoming.version or 0) > self.version then
        self.version = incoming.version
        self.updatesTaken = self.updatesTaken + 1
      end
      return false -- keep this copy, merged
    end
    function onGet() return self.version end
  ]],
}

series { name = "version answered" }

at(0, function() put(o) end)
at(60, function() update(o, { set = { version = 3 } }) end)
at(120, function() update(o, { set = { version = 2 } }) end) -- late, and older than what the replicas hold
at(200, function()
  get(o, { all = true, on = function(a)
    record("version answered", a.found and tonumber(a.value) or 0)
  end })
end)

check { name = "every replica answers", series = "version answered", stat = "count", at_least = 8 }
check { name = "every replica kept the newest version", series = "version answered", stat = "min", equals = 3 }
