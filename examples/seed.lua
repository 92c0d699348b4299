-- DESIGN.md's seed example: each replica counts the gets it serves.
aso.value = "Hello world!"
aso.getCount = 0
function onGet()
  self.getCount = self.getCount + 1
  return {self.value, self.getCount}
end
