-- A password-protected value: onGet answers only a reader who passes the right password as an argument
-- (GET /v1/objects/KEY?arg.password=...); anyone else gets a refusal. The password is part of the state, so
-- every replica can check it (and an operator of a replica can read it: this guards against readers, not hosts).
aso.value = "the treasure is under the old oak"
aso.password = "open sesame"
function onGet(caller, args)
  if args.password ~= self.password then
    error("wrong password", 0)
  end
  return self.value
end
