-- Adeona's password-based access: onGet answers the value only to a reader who passes the password
-- as an argument (args.password); anyone else sees nothing. The password is part of the state, so every
-- replica can check it: this guards against readers, not against the operators of the replicas.
aso.value = "the laptop was last seen at 10.0.0.7"
aso.password = "change me"

function onGet(caller, args)
  if args.password ~= self.password then
    return nil
  end
  return self.value
end
