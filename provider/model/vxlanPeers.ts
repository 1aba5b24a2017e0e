// Reconciling a Vxlan's peers with what its all-zero FDB entry holds, touching only the remotes this resource
// added. Pure: addresses in canonical text (as check and the resource's read print them).
//
// The kernel keeps no mark of who added a remote (see provider/kernel/vxlanPeers.ts), so ownership is what the
// resource recorded: a remote counts as ours only when we added it. A declared peer that was already there —
// added by hand or by another program — is used but never claimed, so it is never removed either; a remote that
// is neither declared nor ours is reported and left alone.

export interface PeerPlan {
  /** Declared peers the device lacks: to add, after which they are owned. */
  add: string[];
  /** Owned peers no longer declared that the device still has: to remove. */
  remove: string[];
  /** The ownership record once the plan is carried out. */
  owned: string[];
  /** Declared peers present but not added by this resource: used, never removed. */
  shared: string[];
  /** Present remotes neither declared nor owned: left alone. */
  foreign: string[];
}

/**
 * `declared`: the peers the inputs list; `owned`: the peers recorded as added by this resource; `present`: the
 * remotes of the device's all-zero entry now (a multicast group's own entry excluded).
 */
export function planPeers(declared: readonly string[], owned: readonly string[], present: readonly string[]): PeerPlan {
  const isDeclared = new Set(declared);
  const isOwned = new Set(owned);
  const isPresent = new Set(present);
  const add = declared.filter((peer) => !isPresent.has(peer));
  const remove = owned.filter((peer) => !isDeclared.has(peer) && isPresent.has(peer));
  const keptOwned = owned.filter((peer) => isDeclared.has(peer) && isPresent.has(peer));
  return {
    add,
    remove,
    owned: [...keptOwned, ...add],
    shared: declared.filter((peer) => isPresent.has(peer) && !isOwned.has(peer)),
    foreign: present.filter((peer) => !isDeclared.has(peer) && !isOwned.has(peer)),
  };
}
