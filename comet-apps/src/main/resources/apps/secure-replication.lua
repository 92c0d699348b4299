-- Vanish's security-enhanced replication: the replicas are the nodes the owner's put reached, fixed at
-- creation. Each replica turns the nodes' replication off for itself (no republish, no hand-off to nodes
-- that are now closer), and refuses a copy offered by another replica, so nodes that join later close to the
-- key (an attacker inserting many ids near it to harvest copies) never get one. The object lives as long as
-- its first replicas do: choose replicas and TTL for the lifetime you want.
aso.value = "a key share"

function onPut(caller)
  if caller.replica then
    return false                      -- only the owner's put places a replica
  end
  self.defaultReplication = false     -- this copy stays where the owner's put placed it
end

function onUpdate(caller, incoming)
  return not caller.replica           -- the owner may replace it; other replicas may not push copies
end
