-- Publish/subscribe: 8 messages published on one topic whose queue keeps 5. A subscriber that saw
-- nothing reads the 5 newest (4 to 8, oldest dropped first); one that saw message 6 reads 7 and 8 only.
scenario { name = "pubsub", seed = 1, duration = 300 }
network { nodes = 60, latency = {10, 80}, settle = 60 }

local published = 8
local messages = {}
for i = 1, published do
  messages[i] = object { name = "message " .. i, file = "pubsub.lua", key = "topic #comet", replicas = 3,
                         set = { publish = "message " .. i } }
end

series { name = "messages read from the start" }
series { name = "oldest read from the start" }
series { name = "newest read from the start" }
series { name = "messages read after 6" }
series { name = "oldest read after 6" }

for i = 1, published do
  at(10 * i, function() put(messages[i]) end)
end

local function numbers(a)
  local list = type(a.value) == "table" and a.value or {}
  local oldest, newest = nil, nil
  for _, m in ipairs(list) do
    oldest = oldest and math.min(oldest, m[1]) or m[1]
    newest = newest and math.max(newest, m[1]) or m[1]
  end
  return #list, oldest or 0, newest or 0
end

at(200, function()
  get(messages[1], { args = { after = "0" }, on = function(a)
    local n, oldest, newest = numbers(a)
    record("messages read from the start", n)
    record("oldest read from the start", oldest)
    record("newest read from the start", newest)
  end })
  get(messages[1], { args = { after = "6" }, on = function(a)
    local n, oldest = numbers(a)
    record("messages read after 6", n)
    record("oldest read after 6", oldest)
  end })
end)

check { name = "the queue holds its bound", series = "messages read from the start", stat = "last", equals = 5 }
check { name = "the oldest were dropped first", series = "oldest read from the start", stat = "last", equals = 4 }
check { name = "the newest is the last published", series = "newest read from the start", stat = "last", equals = 8 }
check { name = "a subscriber reads only newer messages", series = "messages read after 6", stat = "last", equals = 2 }
check { name = "the first newer message is 7", series = "oldest read after 6", stat = "last", equals = 7 }
