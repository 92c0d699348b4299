-- DHT-internal node lifetimes: each replica watches up to 8 of the nodes it knows near the object's key and asks
-- them every period whether they are alive (any answer counts; silence is error 902). When a watched node falls
-- silent, the time it was seen alive is one finished lifetime. A get answers the mean session this replica
-- estimates: all the time its watched nodes were seen alive, finished or not, over the number that died (the
-- maximum-likelihood mean of exponential sessions when some are still running), and how many died.
aso.timerInterval = 60
aso.watchAtMost = 8         -- nodes asked each period (at most 8 requests per invocation)
aso.watched = {}            -- id -> the node, and since when it has answered (-1: not yet)
aso.deaths = 0
aso.seenSeconds = 0         -- time seen alive by the nodes no longer watched: finished lifetimes and cut-off ones

-- a watched node's session ended (died) or can no longer be followed (cut off): its time seen alive counts
local function forget(id, died)
  local w = self.watched[id]
  if w.since >= 0 then
    self.seenSeconds = self.seenSeconds + (comet.systemTime() - w.since) / 1000
    if died then self.deaths = self.deaths + 1 end
  end
  self.watched[id] = nil
end

function onTimer()
  local nodes, near = comet.lookup(), {}
  for _, node in ipairs(nodes) do near[node.id] = true end
  local ask, n = {}, 0
  for id, w in pairs(self.watched) do
    if near[id] then
      n = n + 1
      ask[n] = w
    else -- closer nodes pushed it out of lookup(), so it may not be asked: its session is cut off here
      forget(id, false)
    end
  end
  for _, node in ipairs(nodes) do
    if n >= self.watchAtMost then break end
    if self.watched[node.id] == nil and node.id ~= comet.nodeID() then
      n = n + 1
      ask[n] = node
      self.watched[node.id] = { ip = node.ip, port = node.port, id = node.id, since = -1 }
    end
  end
  if n > 0 then comet.get(self, ask, "onAnswer") end
end

function onAnswer(from, value, err)
  local w = self.watched[from.id]
  if w == nil then return end
  if err == nil or string.sub(err, 1, 3) ~= "902" then
    if w.since < 0 then w.since = comet.systemTime() end
  else
    forget(from.id, true)
  end
end

-- replicas do not merge: a copy re-stored here (republish, hand-over) never replaces this replica's record. Choosing
-- between records by what they saw biases the mean: keeping the copy that saw more deaths keeps the unluckiest
-- record (measured: a quarter too short)
function onUpdate() return false end

function onGet()
  if self.deaths == 0 then return nil end
  local seen = self.seenSeconds
  for _, w in pairs(self.watched) do
    if w.since >= 0 then seen = seen + (comet.systemTime() - w.since) / 1000 end
  end
  return { mean = math.floor(seen / self.deaths), deaths = self.deaths }
end
