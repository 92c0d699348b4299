-- Replica monitoring: every timer period each replica asks the nodes it knows closest to the object's key
-- (its fellow replicas) for the object, and notes which of them answer. A get answers that replica's report:
-- the ids of the replicas that answered its latest round (the previous round's during the round's first
-- seconds, while answers are still arriving). A replica that dies is missing from the report of the first
-- round after its death.
aso.timerInterval = 60
aso.watch = 8               -- replicas asked each round (at most 8 requests per invocation)
aso.current = {}
aso.previous = {}
aso.roundStart = 0
aso.answerMillis = 5000     -- answers arrive within this (retries included)

function onTimer()
  self.previous = self.current
  self.current = {}
  self.roundStart = comet.systemTime()
  local nodes = comet.lookup()
  local ask = {}
  for i = 1, math.min(self.watch, #nodes) do
    ask[i] = nodes[i]
  end
  comet.get(self, ask, "onAnswer")
end

function onAnswer(from, value, err)
  if err == nil and value ~= nil then      -- it holds the object and its handler answered
    self.current[#self.current + 1] = from.id
  end
end

function onGet()
  if comet.systemTime() - self.roundStart >= self.answerMillis then
    return self.current
  end
  return self.previous
end
