-- Adeona's access logging: every get's caller (node id) and time are recorded on the replica that serves it.
-- The owner reads the log by passing the owner's secret (args.owner); everyone else gets the value only.
-- The log keeps the last aso.keep entries.
aso.value = "a value worth watching"
aso.ownerSecret = "change me"
aso.keep = 50
aso.log = {}

function onGet(caller, args)
  if args.owner ~= nil and args.owner == self.ownerSecret then
    return self.log
  end
  local log = self.log
  log[#log + 1] = {caller.id, comet.systemTime()}
  if #log > self.keep then
    table.remove(log, 1)
  end
  return self.value
end
