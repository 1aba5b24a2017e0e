// The Route model: the routing protocol that marks our routes, the defaults `ip route` uses, the family of a
// route, and its state. Pure. Its inputs (schema, normalisation, the rules between them) are in schema.ts, which
// only check loads.
//
// A route is found again by its key in the kernel's table: destination, table and metric (IPv4 adds tos, IPv6 a
// source prefix; neither is used here). Routes carry no name of their own, so the routes this provider makes
// are marked with their own routing protocol number, ROUTE_PROTOCOL, as routing daemons mark theirs.
import type { IpFamily } from "../../model/ip";
import { containsUnknown } from "../../model/unknown";
import type { RouteInputs } from "./schema";

/**
 * rtm_protocol of every route this provider makes: `ip route show proto 238` lists them. The kernel does not
 * interpret protocols from RTPROT_STATIC (4) up; 238 is in none of the lists of numbers in use: the kernel's
 * RTPROT_* (include/uapi/linux/rtnetlink.h), iproute2's rt_protos, and those of common routing software
 * (systemd-networkd: boot, static, dhcp, ra; BIRD 12; FRR 11 and 186–192; Calico 80).
 */
export const ROUTE_PROTOCOL = 238;

export const MAIN_TABLE = 254;

/** The metric `ip route` gives a route that names none: 0 for IPv4, IP6_RT_PRIO_USER (1024) for IPv6. */
export const DEFAULT_METRIC: Record<IpFamily, number> = { 4: 0, 6: 1024 };

export type RouteScope = "global" | "link" | "host";

/** The outputs a Route may lack: recorded as null (see lifecycle/unsetOutputs.ts). */
export const ROUTE_UNSET_OUTPUTS: readonly string[] = ["gateway", "device", "source", "netns"];

/** What the provider stores: the route as the kernel has it now. */
export interface RouteState {
  destination: string;
  family: IpFamily;
  gateway?: string;
  device?: string;
  metric: number;
  table: number;
  scope: RouteScope | string;
  source?: string;
  netns?: string;
  /** ROUTE_PROTOCOL: what marks the route as made by this provider. */
  protocol: number;
}

/** The family of an address (IPv6 if it has a colon), or undefined while it is not known. */
export function familyOf(address: string | undefined): IpFamily | undefined {
  if (address === undefined || containsUnknown(address)) return undefined;
  return address.includes(":") ? 6 : 4;
}

/** The family the route is of: its destination's, or for "default" its gateway's or source's. */
export function routeFamily(value: Partial<RouteInputs>): IpFamily | undefined {
  if (value.destination !== undefined && value.destination !== "default") return familyOf(value.destination);
  return familyOf(value.gateway) ?? familyOf(value.source);
}
