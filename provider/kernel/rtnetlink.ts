// Links and addresses over rtnetlink, one client per network namespace.
//
// Reads come in two shapes: exact single-device requests (getLink, addressesOf), and a namespace-wide
// snapshot — one RTM_GETLINK dump plus one RTM_GETADDR dump — that many reads share. The snapshot is reused
// only while it is provably current: a second socket subscribed to link and address notifications has heard
// nothing since the dump, this process has changed nothing, and it is younger than SNAPSHOT_MAX_AGE_MS (a
// bound for the few changes the kernel does not announce, such as a VMM re-opening a tap with other flags).
// So a refresh of a thousand devices costs two dumps, yet a read after a change made with `ip` sees it.
import { localChangeCount, noteLocalChange } from "./changes";
import { type ErrorContext, NoSuchDeviceError } from "./errors";
import {
  type AddressRecord,
  addAddressPayload,
  decodeAddress,
  deleteAddressPayload,
  dumpAddressesPayload,
  encodeAddressHeader,
  type InterfaceAddress,
} from "./netlink/address";
import type { Message } from "./netlink/codec";
import {
  AF_UNSPEC,
  NLM_F_CREATE,
  NLM_F_ECHO,
  NLM_F_EXCL,
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_DELLINKPROP,
  RTM_GETADDR,
  RTM_GETLINK,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWLINKPROP,
  RTMGRP_IPV4_IFADDR,
  RTMGRP_IPV6_IFADDR,
  RTMGRP_LINK,
} from "./netlink/constants";
import {
  altNamePayload,
  decodeLink,
  deleteLinkGroupPayload,
  deleteLinkPayload,
  describeLinkChange,
  dumpLinksPayload,
  getLinkByIndexPayload,
  getLinkByNamePayload,
  type Link,
  type LinkChange,
  type NewBridgeRequest,
  newBridgePayload,
  setLinkChangesPayload,
  setLinkPayload,
} from "./netlink/link";
import { type BatchResult, NetlinkSocket, type NetlinkRequest } from "./netlink/socket";
import { namespaceIdentity, runInNetworkNamespace } from "./netns";

const SNAPSHOT_MAX_AGE_MS = 5_000;

/** Every link and address of one namespace at one moment. */
export interface NetworkSnapshot {
  links: readonly Link[];
  linkByName: ReadonlyMap<string, Link>;
  linkByIndex: ReadonlyMap<number, Link>;
  addressesByIndex: ReadonlyMap<number, readonly AddressRecord[]>;
  takenAt: number;
}

interface CachedSnapshot {
  snapshot: NetworkSnapshot;
  changeCount: number;
}

export class RouteNetlink {
  private cached: CachedSnapshot | undefined;
  private snapshotsTaken = 0;
  /**
   * Sockets for requests sent from worker threads (see deleteLinkGroupOnWorker), one per request in flight
   * so that each reads its own acknowledgement; opened on first use and reused.
   */
  private idleWorkerSockets: NetlinkSocket[] = [];

  constructor(
    /** The named namespace this client works in; undefined for the process's own. */
    readonly netns: string | undefined,
    private readonly socket: NetlinkSocket,
    private readonly watcher: NetlinkSocket,
  ) {}

  /** How many dump pairs this client has made: lets tests and the benchmark see that reads were shared. */
  get snapshotCount(): number {
    return this.snapshotsTaken;
  }

  close(): void {
    this.socket.close();
    this.watcher.close();
    for (const socket of this.idleWorkerSockets) socket.close();
  }

  // ------------------------------------------------------------------------------------------- reads

  /**
   * The link named `name`, or undefined. The kernel also matches alternative names; a link found only
   * through an altname is not the one asked for.
   */
  getLink(name: string, operation: string): Link | undefined {
    const link = this.getOne({ type: RTM_GETLINK, payload: getLinkByNamePayload(name), context: { operation, step: `RTM_GETLINK ${name}`, device: name } });
    return link?.name === name ? link : undefined;
  }

  getLinkByIndex(index: number, operation: string): Link | undefined {
    return this.getOne({ type: RTM_GETLINK, payload: getLinkByIndexPayload(index), context: { operation, step: `RTM_GETLINK ifindex ${index}` } });
  }

  dumpLinks(operation: string): Link[] {
    return this.socket.dump(RTM_GETLINK, dumpLinksPayload(), { operation, step: "RTM_GETLINK dump" }).flatMap(decodeLinkMessage);
  }

  /** Addresses of one link, filtered by the kernel (strict checking makes it honour ifa_index in dumps). */
  addressesOf(index: number, operation: string): AddressRecord[] {
    const payload = encodeAddressHeader({ family: AF_UNSPEC, prefixLength: 0, flags: 0, scope: 0, index });
    return this.socket
      .dump(RTM_GETADDR, payload, { operation, step: `RTM_GETADDR ifindex ${index}` })
      .flatMap(decodeAddressMessage)
      .filter((record) => record.index === index);
  }

  dumpAddresses(operation: string): AddressRecord[] {
    return this.socket.dump(RTM_GETADDR, dumpAddressesPayload(), { operation, step: "RTM_GETADDR dump" }).flatMap(decodeAddressMessage);
  }

  /** A snapshot of the whole namespace, shared by every read until something changes. */
  snapshot(operation: string): NetworkSnapshot {
    const cached = this.cached;
    // Drain first, always: notifications about a change must not survive into the next snapshot's lifetime.
    const heardChanges = this.watcher.drainNotifications();
    if (
      cached !== undefined &&
      !heardChanges &&
      cached.changeCount === localChangeCount() &&
      Date.now() - cached.snapshot.takenAt < SNAPSHOT_MAX_AGE_MS
    ) {
      return cached.snapshot;
    }
    const changeCount = localChangeCount();
    const takenAt = Date.now();
    const links = this.dumpLinks(operation);
    const addresses = this.dumpAddresses(operation);
    const addressesByIndex = new Map<number, AddressRecord[]>();
    for (const record of addresses) {
      const list = addressesByIndex.get(record.index);
      if (list === undefined) addressesByIndex.set(record.index, [record]);
      else list.push(record);
    }
    const snapshot: NetworkSnapshot = {
      links,
      linkByName: new Map(links.map((link) => [link.name, link])),
      linkByIndex: new Map(links.map((link) => [link.index, link])),
      addressesByIndex,
      takenAt,
    };
    this.snapshotsTaken++;
    this.cached = { snapshot, changeCount };
    return snapshot;
  }

  // ----------------------------------------------------------------------------------------- changes

  changeLink(index: number, change: LinkChange, context: ErrorContext): void {
    this.mutate({ type: RTM_NEWLINK, payload: setLinkPayload(index, change), context: { ...context, step: describeLinkChange(change) } });
  }

  /** Several changes in one request (see setLinkChangesPayload for when that is appropriate). */
  changeLinkAtOnce(index: number, changes: readonly LinkChange[], context: ErrorContext): void {
    if (changes.length === 0) return;
    const step = changes.map(describeLinkChange).join(", ");
    this.mutate({ type: RTM_NEWLINK, payload: setLinkChangesPayload(index, changes), context: { ...context, step } });
  }

  addAddress(index: number, address: InterfaceAddress, label: string, context: ErrorContext): void {
    this.mutate({
      type: RTM_NEWADDR,
      flags: NLM_F_CREATE | NLM_F_EXCL,
      payload: addAddressPayload(index, address),
      context: { ...context, step: `add address ${label}` },
    });
  }

  deleteAddress(index: number, address: InterfaceAddress, label: string, context: ErrorContext): void {
    this.mutate({ type: RTM_DELADDR, payload: deleteAddressPayload(index, address), context: { ...context, step: `delete address ${label}` } });
  }

  /** Adds an alternative name to the link with this index, or with this name. */
  addAltName(index: number | string, altName: string, context: ErrorContext): void {
    this.mutate({ type: RTM_NEWLINKPROP, payload: altNamePayload(index, altName), context: { ...context, step: `add altname ${altName}` } });
  }

  deleteAltName(index: number, altName: string, context: ErrorContext): void {
    this.mutate({ type: RTM_DELLINKPROP, payload: altNamePayload(index, altName), context: { ...context, step: `delete altname ${altName}` } });
  }

  /** Deletes one link; a link that is already gone is not an error. */
  deleteLink(index: number, context: ErrorContext): void {
    try {
      this.mutate({ type: RTM_DELLINK, payload: deleteLinkPayload(index), context: { ...context, step: `RTM_DELLINK ifindex ${index}` } });
    } catch (error) {
      if (!(error instanceof NoSuchDeviceError)) throw error;
    }
  }

  /** Deletes every link in a group in one kernel batch (one RCU grace period for all of them). */
  deleteLinkGroup(group: number, context: ErrorContext): void {
    this.mutate({ type: RTM_DELLINK, payload: deleteLinkGroupPayload(group), context: { ...context, step: `RTM_DELLINK group ${group}` } });
  }

  /**
   * deleteLinkGroup without blocking the event loop: the request is sent from a worker thread, where the
   * kernel's wait for an RCU grace period happens, while this thread goes on. Several may be in flight.
   */
  deleteLinkGroupOnWorker(group: number, context: ErrorContext): Promise<void> {
    return this.onWorker({ type: RTM_DELLINK, payload: deleteLinkGroupPayload(group), context: { ...context, step: `RTM_DELLINK group ${group}` } });
  }

  /** deleteLink without blocking the event loop (see deleteLinkGroupOnWorker); a link already gone is fine. */
  async deleteLinkOnWorker(index: number, context: ErrorContext): Promise<void> {
    try {
      await this.onWorker({ type: RTM_DELLINK, payload: deleteLinkPayload(index), context: { ...context, step: `RTM_DELLINK ifindex ${index}` } });
    } catch (error) {
      if (!(error instanceof NoSuchDeviceError)) throw error;
    }
  }

  private async onWorker(request: NetlinkRequest): Promise<void> {
    noteLocalChange();
    const socket = this.idleWorkerSockets.pop() ?? this.openWorkerSocket(request.context.operation);
    try {
      await socket.requestOnWorker(request);
    } finally {
      this.idleWorkerSockets.push(socket);
    }
  }

  private openWorkerSocket(operation: string): NetlinkSocket {
    return runInNetworkNamespace(this.netns, operation, () => NetlinkSocket.open(operation));
  }

  /** Sends many changes at once; one result per request, in order. */
  batch(requests: readonly NetlinkRequest[]): BatchResult[] {
    noteLocalChange();
    return this.socket.batch(requests);
  }

  /**
   * Creates a bridge and returns it as the kernel echoes it back (NLM_F_ECHO), which also tells the name
   * the kernel chose for a "br%d" template.
   */
  createBridge(request: NewBridgeRequest, context: ErrorContext): Link {
    noteLocalChange();
    const step = `RTM_NEWLINK ${request.name} type bridge`;
    const messages = this.socket.request({
      type: RTM_NEWLINK,
      flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
      payload: newBridgePayload(request),
      context: { ...context, step, device: request.name },
    });
    const created = messages.flatMap(decodeLinkMessage)[0] ?? this.getLink(request.name, context.operation);
    if (created === undefined) throw new Error(`${context.operation}: ${step}: the kernel did not say which link it created`);
    return created;
  }

  private mutate(request: NetlinkRequest): void {
    noteLocalChange();
    this.socket.request(request);
  }

  private getOne(request: NetlinkRequest): Link | undefined {
    let messages: Message[];
    try {
      messages = this.socket.request(request);
    } catch (error) {
      if (error instanceof NoSuchDeviceError) return undefined;
      throw error;
    }
    return messages.flatMap(decodeLinkMessage)[0];
  }
}

function decodeLinkMessage(message: Message): Link[] {
  return message.header.type === RTM_NEWLINK ? [decodeLink(message.payload)] : [];
}

function decodeAddressMessage(message: Message): AddressRecord[] {
  if (message.header.type !== RTM_NEWADDR) return [];
  const record = decodeAddress(message.payload);
  return record === undefined ? [] : [record];
}

// ------------------------------------------------------------------------------------ one per namespace

const clients = new Map<string, { identity: string | undefined; client: RouteNetlink }>();

/**
 * The client for a namespace (undefined: this process's own). Sockets are opened inside the namespace and
 * kept; a namespace deleted and re-created under the same name gets a fresh client.
 */
export function rtnetlink(netns?: string): RouteNetlink {
  const key = netns ?? "";
  const identity = netns === undefined ? "self" : namespaceIdentity(netns);
  const existing = clients.get(key);
  if (existing !== undefined && existing.identity === identity && identity !== undefined) return existing.client;
  const operation = netns === undefined ? "open rtnetlink" : `open rtnetlink in network namespace ${netns}`;
  const client = runInNetworkNamespace(netns, operation, () => {
    const socket = NetlinkSocket.open(operation);
    try {
      socket.enableStrictChecking(operation);
      const watcher = NetlinkSocket.open(operation, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
      return new RouteNetlink(netns, socket, watcher);
    } catch (error) {
      socket.close();
      throw error;
    }
  });
  existing?.client.close();
  clients.set(key, { identity, client });
  return client;
}
