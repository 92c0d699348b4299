-- Popularity: each replica counts the gets it serves (the paper's get counter, DESIGN.md's seed example).
-- A get with args.count = "1" answers this replica's count (and is counted too); any other get, the value.
-- Each replica keeps its own count: add the counts of all replicas for the object's popularity.
aso.value = "a popular value"
aso.getCount = 0

function onGet(caller, args)
  self.getCount = self.getCount + 1
  if args.count then
    return self.getCount
  end
  return self.value
end
