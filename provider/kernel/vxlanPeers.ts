// The peers of a VXLAN device: remotes of its all-zero FDB entry, one per peer, as `bridge fdb append
// 00:00:00:00:00:00 dst PEER dev vx0` makes them. Adding or removing one touches that remote alone: the kernel
// keeps each remote of the entry apart (destination, port, VNI, output device) and a request names exactly one.
// Entries of other MACs (learned, or added by other programs for one MAC) are neither listed nor touched here.
import type { ErrorContext, KernelError } from "./errors";
import type { Message } from "./netlink/codec";
import { NLM_F_CREATE } from "./netlink/constants";
import {
  appendDefaultRemotePayload,
  decodeFdbEntry,
  deleteDefaultRemotePayload,
  dumpDeviceFdbPayload,
  type FdbEntry,
  type FdbRemote,
  isDefaultRemote,
  NLM_F_APPEND,
  RTM_DELNEIGH,
  RTM_GETNEIGH,
  RTM_NEWNEIGH,
} from "./netlink/fdb";
import type { NetlinkRequest } from "./netlink/socket";
import { describeUnderlayAddress } from "./netlink/vxlan";
import type { RouteNetlink } from "./rtnetlink";
import { errno } from "./system";
import { peerMeanings } from "./vxlanErrors";

/**
 * One peer's remote. Leave port and VNI out where they are the device's own: the kernel fills those in, and
 * reports them only where they differ (vxlan_fdb_info), so a read compares equal only then.
 */
export type PeerEntry = FdbRemote;

/** What a batch of peer changes did: each peer either applied or refused, in the order given. */
export interface PeerBatchOutcome {
  applied: PeerEntry[];
  failed: { peer: PeerEntry; error: KernelError }[];
}

/** Every FDB entry of the device (its own table and, for a bridge port, its bridge's entries for it). */
export function listFdbEntries(netlink: RouteNetlink, index: number, operation: string): FdbEntry[] {
  return netlink
    .dump(RTM_GETNEIGH, dumpDeviceFdbPayload(index), { operation, step: `RTM_GETNEIGH AF_BRIDGE dump ifindex ${index}` })
    .flatMap(decodeFdbMessage)
    .filter((entry) => entry.index === index);
}

/** The remotes of the device's all-zero entry: its peers, whoever added them, and a multicast group's own entry. */
export function listPeerEntries(netlink: RouteNetlink, index: number, operation: string): PeerEntry[] {
  return listFdbEntries(netlink, index, operation).filter(isDefaultRemote).map(remoteOf);
}

/**
 * Adds each peer as a remote of the all-zero entry (RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND), all in one
 * batch; the kernel handles each request on its own, so one refusal leaves the others applied.
 */
export function addPeerEntries(netlink: RouteNetlink, index: number, peers: readonly PeerEntry[], context: ErrorContext): PeerBatchOutcome {
  const requests = peers.map(
    (peer): NetlinkRequest => ({
      type: RTM_NEWNEIGH,
      flags: NLM_F_CREATE | NLM_F_APPEND,
      payload: appendDefaultRemotePayload(index, peer),
      context: { ...context, step: `bridge fdb append 00:00:00:00:00:00 ${describePeer(peer)}`, meanings: peerMeanings },
    }),
  );
  return outcomeOf(netlink, peers, requests, false);
}

/**
 * Removes each peer's remote from the all-zero entry (RTM_DELNEIGH naming its destination, port, VNI and output
 * device), in one batch. A peer that is not there is not an error: the kernel answers success when the entry
 * exists without that remote, and ENOENT when there is no all-zero entry at all.
 */
export function removePeerEntries(netlink: RouteNetlink, index: number, peers: readonly PeerEntry[], context: ErrorContext): PeerBatchOutcome {
  const requests = peers.map(
    (peer): NetlinkRequest => ({
      type: RTM_DELNEIGH,
      payload: deleteDefaultRemotePayload(index, peer),
      context: { ...context, step: `bridge fdb del 00:00:00:00:00:00 ${describePeer(peer)}`, meanings: peerMeanings },
    }),
  );
  return outcomeOf(netlink, peers, requests, true);
}

/** Whether two remotes are the one the kernel would match: same destination, port, VNI and output device. */
export function samePeerEntry(a: PeerEntry, b: PeerEntry): boolean {
  return a.destination.equals(b.destination) && a.port === b.port && a.vni === b.vni && a.outputIndex === b.outputIndex;
}

function outcomeOf(netlink: RouteNetlink, peers: readonly PeerEntry[], requests: NetlinkRequest[], goneIsDone: boolean): PeerBatchOutcome {
  const outcome: PeerBatchOutcome = { applied: [], failed: [] };
  netlink.batch(requests).forEach((result, position) => {
    const peer = peers[position];
    if (peer === undefined) return;
    if (result.ok || (goneIsDone && result.error.errno === errno.ENOENT)) outcome.applied.push(peer);
    else outcome.failed.push({ peer, error: result.error });
  });
  return outcome;
}

function remoteOf(entry: FdbEntry): PeerEntry {
  const peer: PeerEntry = { destination: entry.destination ?? Buffer.alloc(0) };
  if (entry.port !== undefined) peer.port = entry.port;
  if (entry.vni !== undefined) peer.vni = entry.vni;
  if (entry.outputIndex !== undefined) peer.outputIndex = entry.outputIndex;
  return peer;
}

function describePeer(peer: PeerEntry): string {
  const port = peer.port === undefined ? "" : ` port ${peer.port}`;
  const vni = peer.vni === undefined ? "" : ` vni ${peer.vni}`;
  const via = peer.outputIndex === undefined ? "" : ` via ifindex ${peer.outputIndex}`;
  return `dst ${describeUnderlayAddress(peer.destination)}${port}${vni}${via}`;
}

function decodeFdbMessage(message: Message): FdbEntry[] {
  if (message.header.type !== RTM_NEWNEIGH) return [];
  const entry = decodeFdbEntry(message.payload);
  return entry === undefined ? [] : [entry];
}
