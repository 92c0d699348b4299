-- P2P Twitter's publish/subscribe topic: a bounded queue of messages, numbered in the order they arrive.
-- Publish by putting this object under the topic's key with aso.publish set to the message: the replicas
-- that hold the topic append it in onUpdate and keep their queue. Subscribers get with args.after = the
-- number of the last message they saw and receive only newer ones. The queue keeps aso.bound messages,
-- dropping the oldest first.
aso.bound = 5
aso.lastSeq = 0
aso.messages = {}

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
