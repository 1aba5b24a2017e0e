// Routes over rtnetlink, in one network namespace: list, add, replace and delete, with the kernel's refusals
// turned into errors that say what to do.
//
// Reads are dumps of one family, filtered here: the kernel has no exact "get this route" request
// (RTM_GETROUTE without NLM_F_DUMP answers a route lookup for an address, not a table entry).
import { type ErrnoMeanings, type ErrorContext, KernelError } from "./errors";
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
import type { RouteNetlink } from "./rtnetlink";

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
  netlink.request({ type: RTM_NEWROUTE, flags: NLM_F_CREATE | NLM_F_EXCL, payload: routePayload(spec), context: routeContext(context, "RTM_NEWROUTE", spec) });
}

/**
 * Replaces the route at the key of `spec` (gateway, device, source, scope): one request, which the kernel
 * carries out whole or refuses whole. No NLM_F_CREATE: a route that went away meanwhile is a NoSuchRouteError,
 * not silently made again. The caller makes sure the route there is its own: the kernel replaces the first
 * route at the key, whoever made it.
 */
export function replaceRoute(netlink: RouteNetlink, spec: RouteSpec, context: ErrorContext): void {
  netlink.request({ type: RTM_NEWROUTE, flags: NLM_F_REPLACE, payload: routePayload(spec), context: routeContext(context, "RTM_NEWROUTE replace", spec) });
}

/**
 * Deletes the route at the key of `spec` that carries its protocol, gateway and device; returns false when
 * there is none (already gone).
 */
export function deleteRoute(netlink: RouteNetlink, spec: RouteSpec, context: ErrorContext): boolean {
  try {
    netlink.request({ type: RTM_DELROUTE, payload: routePayload(spec), context: routeContext(context, "RTM_DELROUTE", spec) });
    return true;
  } catch (error) {
    if (error instanceof NoSuchRouteError) return false;
    throw error;
  }
}

function routeContext(context: ErrorContext, step: string, spec: RouteSpec): ErrorContext {
  return { ...context, step, meanings: routeMeanings(spec) };
}

/** What the kernel's refusals mean for a route, and what to do. */
function routeMeanings(spec: RouteSpec): ErrnoMeanings {
  const gone = {
    error: NoSuchRouteError,
    remedy: "The route is not there any more (removed by hand, or with its device): run `pulumi refresh`, then `pulumi up` makes it again.",
  };
  const via = spec.gateway === undefined ? "" : "its gateway ";
  return {
    EEXIST: { error: RouteExistsError },
    ESRCH: gone,
    ENOENT: gone,
    ENETUNREACH: {
      remedy:
        `The route's ${via}next hop is not reachable on any device that is up: the gateway must lie in the subnet of an address on an up ` +
        "device (a device taken down loses its routes). Bring the device up, give it an address in the gateway's subnet, or fix the gateway.",
    },
    ENETDOWN: { remedy: "The route's device is down, and the kernel adds no route through a device that is down: bring it up first (`up: true` on its resource)." },
    ENODEV: { remedy: "The route's device does not exist (any more): create it first, and pass its resource's `name` output as `device`." },
  };
}

function decodeRouteMessage(message: Message): RouteRecord[] {
  if (message.header.type !== RTM_NEWROUTE) return [];
  const record = decodeRoute(message.payload);
  return record === undefined ? [] : [record];
}
