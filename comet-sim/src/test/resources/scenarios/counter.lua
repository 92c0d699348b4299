-- Counts the gets each replica serves (DESIGN.md's seed example).
aso.value = "Hello world!"
aso.getCount = 0
function onGet()
  self.getCount = self.getCount + 1
  return {self.value, self.getCount}
end
