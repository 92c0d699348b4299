-- Vanish's one-time value: the first get on a replica returns the value and erases it there;
-- every later get on that replica returns nothing. Each replica serves its own first get.
aso.value = "read me once"
aso.read = false

function onGet()
  if self.read then
    return nil
  end
  self.read = true
  local value = self.value
  self.value = nil          -- gone from this replica's state, not only hidden
  return value
end
