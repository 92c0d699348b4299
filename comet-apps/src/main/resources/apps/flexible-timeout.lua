-- Vanish's flexible timeout: the object lives aso.lifetime seconds from its creation, whatever TTL the
-- nodes give it, and is gone from every replica after that. The creation time travels with the state, so a
-- replica that receives a copy later (republish, a newcomer) counts from the same moment; each replica's
-- timer deletes its own copy once the time is up, and a get in between answers nothing.
aso.value = "this message self-destructs"
aso.lifetime = 600          -- seconds; set per object
aso.timerInterval = 60

function onPut()
  if self.createdAt == nil then
    self.createdAt = comet.systemTime()
  end
end

local function expired()
  return self.createdAt ~= nil and comet.systemTime() - self.createdAt >= self.lifetime * 1000
end

function onTimer()
  if expired() then
    self.value = nil
    comet.deleteSelf()
  end
end

function onGet()
  if expired() then
    self.value = nil
    comet.deleteSelf()
    return nil
  end
  return self.value
end
