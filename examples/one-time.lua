-- A one-time value: the first read gets it, then the replica deletes itself.
-- Store it with one replica (replicas = 1): each replica serves its own first read.
aso.value = "the launch code is 0000"
function onGet()
  comet.deleteSelf()
  return self.value
end
