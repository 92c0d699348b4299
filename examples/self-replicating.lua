-- DESIGN.md §4's method style: the object turns the nodes' replication off and keeps itself on the seven
-- Comet nodes its holder knows closest to its key, every ten minutes.
aso.value = "I keep myself alive"
aso.defaultReplication = false
aso.timerInterval = 600

function aso:selectReplicas(nodes)
  local chosen = {}
  for i = 1, math.min(7, #nodes) do chosen[i] = nodes[i] end
  return chosen
end

function aso:onTimer()
  local neighbors = comet.lookup()
  comet.put(self, self:selectReplicas(neighbors))
end
