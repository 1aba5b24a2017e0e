// The VethPair model: two ends of one veth pair, the peer possibly in another network namespace; their state and
// the peer's stamp. Pure. Their inputs (schema, defaults, cross-field rules, the peer's derived name) are in
// schema.ts, which only check loads.
import { createHash } from "node:crypto";
import { LINK_UNSET_OUTPUTS } from "../../model/linkDiff";
import { byteLength } from "../../model/names";
import { MAX_ALTNAME_BYTES, STAMP_PREFIX } from "../../model/stamp";

/** One end as the kernel has it. No key is ever undefined: Pulumi's host cannot serialize that. */
export interface VethEndState {
  name: string;
  mtu: number;
  macAddress?: string;
  addresses: string[];
  up: boolean;
  txQueueLength: number;
  description?: string;
  bridge?: string;
  netns?: string;
  ifindex: number;
  /** The ownership stamp (an altname) that marks this end as the resource's. */
  stamp: string;
}

/** The outputs a VethPair may lack: recorded as null (see lifecycle/unsetOutputs.ts); the peer's are inside `peer`, always there. */
export const VETH_PAIR_UNSET_OUTPUTS: readonly string[] = [...LINK_UNSET_OUTPUTS, "bridge"];

export interface VethPairState extends VethEndState {
  adopt: boolean;
  managedBy?: string;
  peer: VethEndState;
}

/** Marks the nonce of a peer's stamp: "pulumi:<project>:<stack>:<resource>:peer-<nonce>". */
const PEER_STAMP_MARK = "peer-";

/**
 * The peer's stamp, made from the first end's: the same owner and nonce, marked as the peer's, so that neither
 * end can pass for the other (a peer's stamp is never a stamp for the resource's identity, see isStampFor) and a
 * read finds the peer from the recorded stamp alone. An owner part too long to spell out once more is hashed.
 */
export function peerStampOf(stamp: string): string {
  const nonceStart = stamp.lastIndexOf(":");
  const owner = stamp.slice(0, nonceStart);
  const nonce = stamp.slice(nonceStart + 1);
  const readable = `${owner}:${PEER_STAMP_MARK}${nonce}`;
  if (byteLength(readable) <= MAX_ALTNAME_BYTES) return readable;
  return `${STAMP_PREFIX}#${createHash("sha256").update(owner).digest("hex").slice(0, 40)}:${PEER_STAMP_MARK}${nonce}`;
}
