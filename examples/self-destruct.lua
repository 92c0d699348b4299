-- A value with a short lifetime of its own: each replica notes when it took the object, and the first read
-- after aso.lifetimeMillis deletes it there and answers nothing.
aso.value = "a short-lived secret"
aso.lifetimeMillis = 3000
function onPut()
  self.storedAt = comet.systemTime()
end
function onGet()
  if comet.systemTime() - self.storedAt >= self.lifetimeMillis then
    comet.deleteSelf()
    return nil
  end
  return self.value
end
