// Routes over rtnetlink, in one network namespace: list, add, replace and delete, with the kernel's refusals
// turned into errors that say what to do.
//
// Reads are dumps of one family, filtered here: the kernel has no exact "get this route" request
// (RTM_GETROUTE without NLM_F_DUMP answers a route lookup for an address, not a table entry).
import { type ErrorContext, errorFromErrno, KernelError } from "./errors";
import type { Message } from "./netlink/codec";
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from "./netlink/constants";
import {
  decodeRoute,
  dumpRoutesPayload,
  hasKeyOf,
  RTM_DELROUTE,
  RTM_GETROUTE,
  RTM_NEWROUTE,
  type RouteFamily,
  type RouteRecord,
  type RouteSpec,
  routePayload,
} from "./netlink/route";
import type { NetlinkRequest } from "./netlink/socket";
import type { RouteNetlink } from "./rtnetlink";
import { errno } from "./system";

/** A route already holds the key (table, destination, metric) of the one being added. */
export class RouteExistsError extends KernelError {}

/** The route to change or delete is not there (any more). */
export class NoSuchRouteError extends KernelError {}

export type RouteKey = Pick<RouteSpec, "family" | "table" | "destination" | "prefixLength" | "metric">;

/** Every route of one family in the namespace, every table, in the kernel's order. */
export function listRoutes(netlink: RouteNetlink, family: RouteFamily, operation: string): RouteRecord[] {
  return netlink
    .dump(RTM_GETROUTE, dumpRoutesPayload(family), { operation, step: `RTM_GETROUTE dump IPv${family}` })
    .flatMap(decodeRouteMessage);
}

/**
 * The routes at one key, first the one the kernel would replace (IPv4 keeps routes added with `ip route append`
 * after the first; IPv6 shows next hops added to a route as one multipath route).
 */
export function routesAtKey(netlink: RouteNetlink, key: RouteKey, operation: string): RouteRecord[] {
  return listRoutes(netlink, key.family, operation).filter((record) => hasKeyOf(record, key));
}

/** Adds a route; a key already taken is a RouteExistsError, whoever holds it. */
export function addRoute(netlink: RouteNetlink, spec: RouteSpec, context: ErrorContext): void {
  send(netlink, { type: RTM_NEWROUTE, flags: NLM_F_CREATE | NLM_F_EXCL, payload: routePayload(spec), context: { ...context, step: "RTM_NEWROUTE" } }, spec);
}

/**
 * Replaces the route at the key of `spec` (gateway, device, source, scope): one request, which the kernel
 * carries out whole or refuses whole. No NLM_F_CREATE: a route that went away meanwhile is a NoSuchRouteError,
 * not silently made again. The caller makes sure the route there is its own: the kernel replaces the first
 * route at the key, whoever made it.
 */
export function replaceRoute(netlink: RouteNetlink, spec: RouteSpec, context: ErrorContext): void {
  send(netlink, { type: RTM_NEWROUTE, flags: NLM_F_REPLACE, payload: routePayload(spec), context: { ...context, step: "RTM_NEWROUTE replace" } }, spec);
}

/**
 * Deletes the route at the key of `spec` that carries its protocol, gateway and device; returns false when
 * there is none (already gone).
 */
export function deleteRoute(netlink: RouteNetlink, spec: RouteSpec, context: ErrorContext): boolean {
  try {
    send(netlink, { type: RTM_DELROUTE, payload: routePayload(spec), context: { ...context, step: "RTM_DELROUTE" } }, spec);
    return true;
  } catch (error) {
    if (error instanceof NoSuchRouteError) return false;
    throw error;
  }
}

function send(netlink: RouteNetlink, request: NetlinkRequest, spec: RouteSpec): void {
  const [result] = netlink.batch([request]);
  if (result === undefined || result.ok) return;
  throw routeError(result.error, spec);
}

/** The kernel's refusal, with the remedy that fits a route. */
function routeError(error: KernelError, spec: RouteSpec): KernelError {
  const context: ErrorContext = { operation: error.operation, step: error.step, ...(error.kernelMessage === undefined ? {} : { kernelMessage: error.kernelMessage }) };
  const via = spec.gateway === undefined ? "" : "its gateway ";
  switch (error.errno) {
    case errno.EEXIST:
      return new RouteExistsError({ ...context, errno: error.errno });
    case errno.ESRCH:
    case errno.ENOENT:
      return new NoSuchRouteError({
        ...context,
        errno: error.errno,
        remedy: "The route is not there any more (removed by hand, or with its device): run `pulumi refresh`, then `pulumi up` makes it again.",
      });
    case errno.ENETUNREACH:
      return errorFromErrno(error.errno, {
        ...context,
        remedy:
          `The route's ${via}next hop is not reachable on any device that is up: the gateway must lie in the subnet of an address on an up ` +
          "device (a device taken down loses its routes). Bring the device up, give it an address in the gateway's subnet, or fix the gateway.",
      });
    case errno.ENETDOWN:
      return errorFromErrno(error.errno, {
        ...context,
        remedy: "The route's device is down, and the kernel adds no route through a device that is down: bring it up first (`up: true` on its resource).",
      });
    case errno.ENODEV:
      return errorFromErrno(error.errno, { ...context, remedy: "The route's device does not exist (any more): create it first, and pass its resource's `name` output as `device`." });
    default:
      return error;
  }
}

function decodeRouteMessage(message: Message): RouteRecord[] {
  if (message.header.type !== RTM_NEWROUTE) return [];
  const record = decodeRoute(message.payload);
  return record === undefined ? [] : [record];
}
