// Links and addresses over rtnetlink, one client per network namespace.
//
// Every read is an exact request answered by the kernel at that moment (one link by name, altname or index;
// the addresses of one link; the ports of one bridge), never a cached copy: the kernel does not announce every
// change (an alias set on a link that is down, a TUN/TAP owner set by ioctl), so a cache kept valid by
// notifications can serve a stale device. Each request costs the kernel one look-up, not a walk of the namespace.
import { type ErrorContext, NoSuchDeviceError, NoSuchNamespaceError } from "./errors";
import { IFNAMSIZ } from "./ifreq";
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
} from "./netlink/constants";
import {
  altNamePayload,
  decodeLink,
  decodeLinkGroupMembership,
  deleteLinkGroupPayload,
  deleteLinkPayload,
  describeLinkChange,
  dumpLinksPayload,
  dumpPortsPayload,
  getLinkByAltNamePayload,
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

export class RouteNetlink {
  /**
   * Sockets for requests sent from worker threads (see deleteLinkGroupOnWorker), one per request in flight
   * so that each reads its own acknowledgement; opened on first use and reused.
   */
  private idleWorkerSockets: NetlinkSocket[] = [];

  constructor(
    /** The named namespace this client works in; undefined for the process's own. */
    readonly netns: string | undefined,
    private readonly socket: NetlinkSocket,
  ) {}

  close(): void {
    this.socket.close();
    for (const socket of this.idleWorkerSockets) socket.close();
  }

  // ------------------------------------------------------------------------------------------- reads

  /**
   * The link named `name`, or undefined. The kernel also matches alternative names; a link found only
   * through an altname is not the one asked for (see holderOfName).
   */
  getLink(name: string, operation: string): Link | undefined {
    const link = this.holderOfName(name, operation);
    return link?.name === name ? link : undefined;
  }

  /**
   * The link that holds `name` as its name or as one of its altnames, or undefined: names and altnames share
   * one namespace in the kernel, so either way the name is taken.
   */
  holderOfName(name: string, operation: string): Link | undefined {
    // IFLA_IFNAME holds at most 15 bytes; a longer name can only be an altname, which IFLA_ALT_IFNAME carries.
    const payload = Buffer.byteLength(name) < IFNAMSIZ ? getLinkByNamePayload(name) : getLinkByAltNamePayload(name);
    return this.getOne({ type: RTM_GETLINK, payload, context: { operation, step: `RTM_GETLINK ${name}`, device: name } });
  }

  /** The link carrying `altName` (an ownership stamp), whatever it is called now, or undefined. */
  getLinkByAltName(altName: string, operation: string): Link | undefined {
    const link = this.holderOfName(altName, operation);
    return link?.altNames.includes(altName) === true ? link : undefined;
  }

  getLinkByIndex(index: number, operation: string): Link | undefined {
    return this.getOne(getLinkByIndexRequest(index, operation));
  }

  /** Whether a link with this index is in the namespace: getLinkByIndex without decoding the answer, for polling. */
  linkExists(index: number, operation: string): boolean {
    return this.answerUnlessNoDevice(getLinkByIndexRequest(index, operation))?.some(isLinkMessage) === true;
  }

  dumpLinks(operation: string): Link[] {
    return this.socket.dump(RTM_GETLINK, dumpLinksPayload(), { operation, step: "RTM_GETLINK dump" }).flatMap(decodeLinkMessage);
  }

  /**
   * The ifindexes of the links in this group. The kernel cannot filter a dump by group, so every link still
   * comes back, but only its ifindex and IFLA_GROUP are read.
   */
  indexesInGroup(group: number, operation: string): number[] {
    return this.socket
      .dump(RTM_GETLINK, dumpLinksPayload(), { operation, step: `RTM_GETLINK dump (members of group ${group})` })
      .filter(isLinkMessage)
      .map((message) => decodeLinkGroupMembership(message.payload))
      .filter((membership) => membership.group === group)
      .map((membership) => membership.index);
  }

  /** The links that are ports of the link with this index (filtered by the kernel). */
  portsOf(masterIndex: number, operation: string): Link[] {
    return this.socket
      .dump(RTM_GETLINK, dumpPortsPayload(masterIndex), { operation, step: `RTM_GETLINK dump master ${masterIndex}` })
      .flatMap(decodeLinkMessage)
      .filter((link) => link.master === masterIndex);
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

  /**
   * Deletes every link in a group in one kernel batch (one RCU grace period for all of them), without blocking
   * the event loop: the request is sent from a worker thread, where the kernel's wait for the grace period
   * happens, while this thread goes on. Several may be in flight.
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
    return this.socket.batch(requests);
  }

  /**
   * Makes a link with one RTM_NEWLINK (NLM_F_EXCL: a name already taken is a DeviceExistsError) and returns it as
   * the kernel echoes it back (NLM_F_ECHO), which also tells the name it chose for a template ("br%d"). Only the
   * link the request names is echoed: a veth peer is configured without the request's header.
   */
  createLink(name: string, payload: Buffer, context: ErrorContext): Link {
    const messages = this.request({ type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, payload, context: { ...context, device: name } });
    const created = messages.flatMap(decodeLinkMessage)[0] ?? this.getLink(name, context.operation);
    if (created === undefined) throw new Error(`${context.operation}: ${context.step}: the kernel did not say which link it created`);
    return created;
  }

  /** A bridge, made as createLink makes links. */
  createBridge(request: NewBridgeRequest, context: ErrorContext): Link {
    return this.createLink(request.name, newBridgePayload(request), { ...context, step: `RTM_NEWLINK ${request.name} type bridge` });
  }

  /** Sends one request and waits for its acknowledgement; returns the messages that came before it. */
  request(request: NetlinkRequest): Message[] {
    return this.socket.request(request);
  }

  /** A dump of any rtnetlink message type, for the codecs kept in files of their own (routes): decoding is the caller's. */
  dump(type: number, payload: Buffer, context: ErrorContext): Message[] {
    return this.socket.dump(type, payload, context);
  }

  private mutate(request: NetlinkRequest): void {
    this.request(request);
  }

  private getOne(request: NetlinkRequest): Link | undefined {
    return this.answerUnlessNoDevice(request)?.flatMap(decodeLinkMessage)[0];
  }

  /** The messages answering a read of one link; undefined when the kernel says there is no such device. */
  private answerUnlessNoDevice(request: NetlinkRequest): Message[] | undefined {
    try {
      return this.request(request);
    } catch (error) {
      if (error instanceof NoSuchDeviceError) return undefined;
      throw error;
    }
  }
}

function getLinkByIndexRequest(index: number, operation: string): NetlinkRequest {
  return { type: RTM_GETLINK, payload: getLinkByIndexPayload(index), context: { operation, step: `RTM_GETLINK ifindex ${index}` } };
}

function isLinkMessage(message: Message): boolean {
  return message.header.type === RTM_NEWLINK;
}

function decodeLinkMessage(message: Message): Link[] {
  return isLinkMessage(message) ? [decodeLink(message.payload)] : [];
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
      return new RouteNetlink(netns, socket);
    } catch (error) {
      socket.close();
      throw error;
    }
  });
  existing?.client.close();
  clients.set(key, { identity, client });
  return client;
}

/**
 * Closes and forgets the client for a namespace about to be deleted: its sockets belong to that namespace and
 * would keep it alive — with whatever is inside — after its name is gone.
 */
export function closeRtnetlink(netns: string): void {
  clients.get(netns)?.client.close();
  clients.delete(netns);
}

/** The client for a namespace the state recorded, or undefined when that namespace no longer exists. */
export function rtnetlinkIfExists(netns?: string): RouteNetlink | undefined {
  try {
    return rtnetlink(netns);
  } catch (error) {
    if (error instanceof NoSuchNamespaceError) return undefined;
    throw error;
  }
}
