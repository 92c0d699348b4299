-- Counts its own timer runs, on each replica separately; read them with `comet get ticker --all`.
aso.timerInterval = 60
aso.ticks = 0

function onTimer()
  self.ticks = self.ticks + 1
  comet.log("tick", self.ticks)
end

function onGet()
  return {ticks = self.ticks, node = comet.nodeID()}
end
