// RTM_*ROUTE messages: struct rtmsg and the attributes of one unicast route. Pure.
//
// What the kernel reads from a request and what makes two routes "the same" differ by family; both are taken
// from the kernel itself: net/ipv4/fib_frontend.c rtm_to_fib_config (IPv4) and net/ipv6/route.c
// rtm_to_fib6_config (IPv6). A route's key in its table is its destination and metric (RTA_PRIORITY), plus
// tos for IPv4 (always 0 here) and a source prefix for IPv6 source routing (never set here).
import { attribute, type AttributeInput, attributeMap, encodeAttributes, NetlinkFormatError, readU32 } from "./codec";
import { AF_INET, AF_INET6 } from "./constants";

export const RTMSG_LENGTH = 12;

export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;

export const RTA_DST = 1;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
export const RTA_MULTIPATH = 9;
export const RTA_TABLE = 15;

export const RTN_UNICAST = 1;

/** rtm_table holds 8 bits; a larger table id travels in RTA_TABLE with this in the header (RT_TABLE_COMPAT). */
export const RT_TABLE_COMPAT = 252;

/** RTPROT_KERNEL: routes the kernel adds itself (an address's subnet). */
export const RTPROT_KERNEL = 2;

export type RouteFamily = 4 | 6;

/** One route as the kernel holds it; addresses as bytes (4 or 16), text belongs to the model. */
export interface RouteRecord {
  family: RouteFamily;
  destination: Buffer;
  prefixLength: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  /** RTA_PRIORITY; the kernel omits it for IPv4 metric 0. */
  metric: number;
  gateway?: Buffer;
  outputIndex?: number;
  preferredSource?: Buffer;
  /** A route with several next hops (RTA_MULTIPATH): never one this provider made. */
  multipath: boolean;
}

/** The fields of a route request: the key (family, table, destination, metric) and what the route says. */
export interface RouteSpec {
  family: RouteFamily;
  destination: Buffer;
  prefixLength: number;
  table: number;
  metric: number;
  protocol: number;
  scope: number;
  gateway?: Buffer;
  outputIndex?: number;
  preferredSource?: Buffer;
}

function familyNumber(family: RouteFamily): number {
  return family === 4 ? AF_INET : AF_INET6;
}

function addressLength(family: RouteFamily): number {
  return family === 4 ? 4 : 16;
}

interface RouteHeader {
  family: number;
  destinationLength: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
}

function encodeRouteHeader(header: RouteHeader): Buffer {
  const encoded = Buffer.alloc(RTMSG_LENGTH);
  encoded.writeUInt8(header.family, 0);
  encoded.writeUInt8(header.destinationLength, 1);
  // rtm_src_len 0, rtm_tos 0: no source routing, no tos.
  encoded.writeUInt8(header.table < 256 ? header.table : RT_TABLE_COMPAT, 4);
  encoded.writeUInt8(header.protocol, 5);
  encoded.writeUInt8(header.scope, 6);
  encoded.writeUInt8(header.type, 7);
  // rtm_flags 0.
  return encoded;
}

/**
 * RTM_NEWROUTE / RTM_DELROUTE payload. Every field is spelled out, the metric included: left out, IPv6 would
 * pick 1024 and a delete would match any metric. On a delete, rtm_protocol makes the kernel remove only a
 * route of that protocol (fib_table_delete, ip6_route_del), so a route that is not ours is never removed.
 */
export function routePayload(spec: RouteSpec): Buffer {
  const length = addressLength(spec.family);
  const expect = (what: string, bytes: Buffer | undefined) => {
    if (bytes !== undefined && bytes.length !== length) throw new NetlinkFormatError(`${what} of an IPv${spec.family} route must be ${length} bytes, got ${bytes.length}`);
  };
  expect("destination", spec.destination);
  expect("gateway", spec.gateway);
  expect("preferred source", spec.preferredSource);
  const header = encodeRouteHeader({
    family: familyNumber(spec.family),
    destinationLength: spec.prefixLength,
    table: spec.table,
    protocol: spec.protocol,
    scope: spec.scope,
    type: RTN_UNICAST,
  });
  const attributes: AttributeInput[] = [attribute.u32(RTA_TABLE, spec.table), attribute.u32(RTA_PRIORITY, spec.metric)];
  if (spec.prefixLength > 0) attributes.push(attribute.bytes(RTA_DST, spec.destination));
  if (spec.gateway !== undefined) attributes.push(attribute.bytes(RTA_GATEWAY, spec.gateway));
  if (spec.outputIndex !== undefined) attributes.push(attribute.u32(RTA_OIF, spec.outputIndex));
  if (spec.preferredSource !== undefined) attributes.push(attribute.bytes(RTA_PREFSRC, spec.preferredSource));
  return Buffer.concat([header, encodeAttributes(attributes)]);
}

/** RTM_GETROUTE dump request of one family: every table (the filtering is done by the caller, on what it reads). */
export function dumpRoutesPayload(family: RouteFamily): Buffer {
  return encodeRouteHeader({ family: familyNumber(family), destinationLength: 0, table: 0, protocol: 0, scope: 0, type: 0 });
}

/** Decodes an RTM_NEWROUTE message; undefined for families other than IPv4 and IPv6. */
export function decodeRoute(payload: Buffer): RouteRecord | undefined {
  if (payload.length < RTMSG_LENGTH) throw new NetlinkFormatError(`rtmsg needs ${RTMSG_LENGTH} bytes, got ${payload.length}`);
  const familyValue = payload.readUInt8(0);
  const family: RouteFamily | undefined = familyValue === AF_INET ? 4 : familyValue === AF_INET6 ? 6 : undefined;
  if (family === undefined) return undefined;
  const attributes = attributeMap(payload.subarray(RTMSG_LENGTH));
  const tableAttribute = attributes.get(RTA_TABLE);
  const priority = attributes.get(RTA_PRIORITY);
  const record: RouteRecord = {
    family,
    destination: Buffer.from(attributes.get(RTA_DST) ?? Buffer.alloc(addressLength(family))),
    prefixLength: payload.readUInt8(1),
    table: tableAttribute === undefined ? payload.readUInt8(4) : readU32(tableAttribute),
    protocol: payload.readUInt8(5),
    scope: payload.readUInt8(6),
    type: payload.readUInt8(7),
    metric: priority === undefined ? 0 : readU32(priority),
    multipath: attributes.has(RTA_MULTIPATH),
  };
  const gateway = attributes.get(RTA_GATEWAY);
  const outputIndex = attributes.get(RTA_OIF);
  const preferredSource = attributes.get(RTA_PREFSRC);
  if (gateway !== undefined) record.gateway = Buffer.from(gateway);
  if (outputIndex !== undefined) record.outputIndex = readU32(outputIndex);
  if (preferredSource !== undefined) record.preferredSource = Buffer.from(preferredSource);
  return record;
}

/** Whether a record sits at the key of `spec`: same family, table, destination and metric. */
export function hasKeyOf(record: RouteRecord, key: Pick<RouteSpec, "family" | "table" | "destination" | "prefixLength" | "metric">): boolean {
  return (
    record.family === key.family &&
    record.table === key.table &&
    record.prefixLength === key.prefixLength &&
    record.metric === key.metric &&
    record.destination.equals(key.destination)
  );
}
