-- A value with a short lifetime of its own: each replica notes when it took the object, and its timer deletes
-- it there once aso.lifetimeMillis have passed (a read in between answers nothing and deletes it too).
aso.value = "a short-lived secret"
aso.lifetimeMillis = 3000
aso.timerInterval = 1

function onPut()
  self.storedAt = comet.systemTime()
end

local function expired()
  return comet.systemTime() - self.storedAt >= self.lifetimeMillis
end

function onTimer()
  if expired() then
    comet.deleteSelf()
  end
end

function onGet()
  if expired() then
    comet.deleteSelf()
    return nil
  end
  return self.value
end
