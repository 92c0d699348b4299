-- Hierarchical publish/subscribe: a parent topic "news" (pubsub.lua) and its child "news/sports". Three
-- messages are published on the parent and two on the child. A subscriber of the child reads all five,
-- the parent's three marked with its name; a subscriber of the parent reads only the parent's three.
scenario { name = "hierarchical-pubsub", seed = 1, duration = 300 }
network { nodes = 60, latency = {10, 80}, settle = 60 }

local parent = {}
for i = 1, 3 do
  parent[i] = object { name = "news " .. i, file = "pubsub.lua", key = "news", replicas = 3,
                       set = { publish = "news " .. i } }
end
local child = {}
for i = 1, 2 do
  child[i] = object { name = "sports " .. i, file = "hierarchical-pubsub.lua", key = "news/sports", replicas = 3,
                      set = { parent = "news", publish = "sports " .. i } }
end

series { name = "messages a child subscriber reads" }
series { name = "parent messages a child subscriber reads" }
series { name = "messages a parent subscriber reads" }

at(10, function() put(parent[1]) end)
at(20, function() put(child[1]) end)
at(30, function() put(parent[2]) end)
at(40, function() put(child[2]) end)
at(50, function() put(parent[3]) end)

local function count(a)
  local list = type(a.value) == "table" and a.value or {}
  local fromParent = 0
  for _, m in ipairs(list) do
    if type(m[2]) == "string" and string.sub(m[2], 1, 6) == "news: " then
      fromParent = fromParent + 1
    end
  end
  return #list, fromParent
end

at(200, function()
  get(child[1], { args = { after = "0" }, on = function(a)
    local n, fromParent = count(a)
    record("messages a child subscriber reads", n)
    record("parent messages a child subscriber reads", fromParent)
  end })
  get(parent[1], { args = { after = "0" }, on = function(a)
    local n = count(a)
    record("messages a parent subscriber reads", n)
  end })
end)

check { name = "a child subscriber reads its own and its parent's messages", series = "messages a child subscriber reads",
        stat = "last", equals = 5 }
check { name = "the parent's three reach the child", series = "parent messages a child subscriber reads",
        stat = "last", equals = 3 }
check { name = "a parent subscriber reads only the parent's", series = "messages a parent subscriber reads",
        stat = "last", equals = 3 }
