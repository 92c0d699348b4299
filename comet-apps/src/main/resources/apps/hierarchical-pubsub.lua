-- P2P Twitter's hierarchical publish/subscribe: a child topic whose subscribers also receive the messages
-- published on its parent topic. Put this code under the child's key with aso.parent = the parent topic's key
-- (a pubsub.lua topic, or another child). Publish to the child as to any topic (aso.publish, see pubsub.lua).
-- Every aso.timerInterval seconds each replica asks the parent's replicas, which its node finds, for the
-- messages newer than the last it took, and appends them marked with the parent's name. The queue keeps
-- aso.bound messages, dropping the oldest first; subscribers get with args.after as for pubsub.lua.
aso.bound = 10
aso.lastSeq = 0
aso.messages = {}
aso.parentSeen = 0
aso.timerInterval = 5

local function append(topic, text)
  topic.lastSeq = topic.lastSeq + 1
  local messages = topic.messages
  messages[#messages + 1] = {topic.lastSeq, text}
  while #messages > topic.bound do
    table.remove(messages, 1)
  end
end

function onPut()
  if self.publish then
    append(self, self.publish)
    self.publish = nil
  end
end

function onUpdate(caller, incoming)
  if not caller.replica and incoming.publish then
    append(self, incoming.publish)
  end
  return false            -- keep this queue, whatever copy arrived
end

function onTimer()
  comet.get(self.parent, "replicas", "fromParent", {after = tostring(self.parentSeen)})
end

function fromParent(from, messages)
  for _, m in ipairs(type(messages) == "table" and messages or {}) do
    if m[1] > self.parentSeen then
      append(self, self.parent .. ": " .. m[2])
      self.parentSeen = m[1]
    end
  end
end

function onGet(caller, args)
  local after = tonumber(args.after) or 0
  local newer = {}
  for _, m in ipairs(self.messages) do
    if m[1] > after then
      newer[#newer + 1] = m
    end
  end
  return newer
end
