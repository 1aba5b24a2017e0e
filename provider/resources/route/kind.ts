// Route as a kind: one RTM_NEWROUTE with NLM_F_EXCL makes it (a key already taken is refused, naming what holds
// it), read by key and protocol, updated in place by NLM_F_REPLACE, deleted. A route is this provider's only if it
// carries ROUTE_PROTOCOL, and the stack's only if it sits at the key the state records: nothing else is ever
// changed or deleted. Routes carry no name to hold a stamp, so none is ever taken over.
import {
  addRoute,
  deleteRoute as deleteKernelRoute,
  KernelError,
  type RouteKey,
  type RouteNetlink,
  type RouteRecord,
  type RouteSpec,
  replaceRoute,
  RouteExistsError,
  routesAtKey,
  rtnetlink,
  rtnetlinkIfExists,
} from "../../kernel";
import { formatAddress, parseCidr, parseIPv4, parseIPv6, type Properties } from "../../model";
import { DeviceConflictError, InvalidInputsError } from "../../lifecycle/errors";
import type { Ownership, ResourceKind } from "../../lifecycle/kind";
import { resourceProvider } from "../../lifecycle/provider";
import { diffRoute } from "./diff";
import { checkRoute, ROUTE_PROTOCOL, type RouteInputs, type RouteState } from "./model";

const SCOPES: Record<string, number> = { global: 0, link: 253, host: 254 };
/** Protocols as /etc/iproute2/rt_protos names them, with who uses them. */
const PROTOCOLS: Record<number, string> = {
  2: "proto kernel: the kernel's own route to an address's subnet",
  3: "proto boot: added with `ip route add`, which uses this protocol when given none",
  4: "proto static: an administrator's or systemd-networkd's",
  9: "proto ra: learned from an IPv6 router advertisement",
  16: "proto dhcp: a DHCP client's",
};

/** Routes have no owner input and are never adopted: their spec says nothing of ownership. */
type Spec = RouteInputs & Ownership;

/** What the state records: where the route is (its key), and in which namespace. */
interface Recorded {
  key: RouteKey | undefined;
  netns?: string;
}

/** A route's place: its key in one namespace's tables, and the routes there, first the one the kernel would replace. */
interface RoutePlace {
  netlink: RouteNetlink;
  key: RouteKey;
  routes: readonly RouteRecord[];
}

const route: ResourceKind<Spec, Recorded, RoutePlace, RouteState> = {
  type: "Route",
  check: checkRoute,
  specOf: (outcome) => outcome.complete as RouteInputs | undefined,
  diff: (_id, olds, news) => diffRoute(olds, news),
  idOf: routeId,
  subject: (id) => `route ${id}`,

  recordedFor: (spec) => withNetns({ key: keyOf(spec.destination, spec.table, spec.metric ?? 0) }, spec.netns),
  recordedFrom: (props: Properties) => withNetns({ key: keyOf(props.destination, props.table, props.metric) }, props.netns),

  /** This provider's route at the recorded key; the place is gone with its namespace. */
  find(_id, { key, netns }, operation) {
    const netlink = rtnetlinkIfExists(netns);
    if (key === undefined || netlink === undefined) return undefined;
    return { netlink, key, routes: routesAtKey(netlink, key, operation) };
  },

  reread: ({ netlink, key }, operation) => ({ netlink, key, routes: routesAtKey(netlink, key, operation) }),

  /** One RTM_NEWROUTE with NLM_F_EXCL; the device is looked up first, so a missing one is named before anything changes. */
  make(spec, _stamp, operation) {
    const netlink = rtnetlink(spec.netns);
    const request = kernelRoute(netlink, spec, operation);
    try {
      addRoute(netlink, request, { operation, step: "" });
    } catch (error) {
      const routes = error instanceof RouteExistsError ? routesAtKey(netlink, request, operation) : [];
      if (routes.length === 0) throw error;
      return { id: routeId(spec), taken: { netlink, key: request, routes } };
    }
    return { id: routeId(spec), made: { netlink, key: request, routes: [] } };
  },

  /** Routes carry nothing that names a resource: a route at the key is never taken back or adopted. */
  reclaimable: () => undefined,
  refusal({ netlink, routes: [holder] }, spec, operation) {
    // make finds the place taken only when a route holds the key.
    if (holder === undefined) throw new TypeError(`${operation}: the key was reported taken, but no route holds it`);
    return new DeviceConflictError(operation, "destination", keyTakenReason(netlink, holder, spec));
  },

  /**
   * Gateway, device, source or scope replaced at the same key by one NLM_F_REPLACE, which the kernel carries out
   * whole or refuses whole (it checks the new next hop before it touches the table). The kernel replaces the first
   * route at the key, whoever made it: that route must be ours.
   *
   * A route the kernel removed in this same run is made again: when the device a route names is replaced (a new
   * name), Pulumi deletes the old device first, and the kernel deletes the route with it, before this update.
   */
  steps({ netlink, routes: [first] }, spec, _id, _stamps, operation) {
    const request = kernelRoute(netlink, spec, operation);
    if (first !== undefined && (first.protocol !== ROUTE_PROTOCOL || first.multipath)) {
      throw new DeviceConflictError(operation, "destination", `${keyTakenReason(netlink, first, spec)} This stack's route is not there any more; run \`pulumi refresh\` first.`);
    }
    const apply = () => {
      try {
        if (first === undefined) addRoute(netlink, request, { operation, step: "" });
        else replaceRoute(netlink, request, { operation, step: "" });
      } catch (error) {
        if (error instanceof KernelError) error.message += first === undefined ? " Nothing was added." : " The route was left as it was.";
        throw error;
      }
    };
    return [{ description: first === undefined ? "add the route" : "replace the route", apply }];
  },

  /** Matched by protocol, gateway and device too; gone already is success. */
  remove({ netlink, routes }, operation) {
    const ours = routes.find(isOurs);
    if (ours !== undefined) deleteKernelRoute(netlink, { ...ours, protocol: ROUTE_PROTOCOL }, { operation, step: "" });
  },

  state({ netlink, routes }, { netns }) {
    const ours = routes.find(isOurs);
    return ours === undefined ? undefined : stateOf(netlink, ours, netns);
  },
};

/** The Route provider's real work: what pulumi-tuntap/providers/route loads when it is called. */
export const implementation = resourceProvider(route);

/** "10.0.0.0/24 table 254 metric 0": the route's key, which is what the kernel knows it by. */
function routeId(spec: Pick<RouteInputs, "destination" | "table" | "metric">): string {
  return `${spec.destination} table ${spec.table} metric ${spec.metric ?? 0}`;
}

/** This provider's route: one of its protocol, not merged into a multipath route with someone else's next hops. */
function isOurs(record: RouteRecord): boolean {
  return record.protocol === ROUTE_PROTOCOL && !record.multipath;
}

/** The route in kernel terms; the device is looked up first, so a missing one is named before anything changes. */
function kernelRoute(netlink: RouteNetlink, spec: RouteInputs, operation: string): RouteSpec {
  const destination = parseCidr(spec.destination);
  if (typeof destination === "string") throw new InvalidInputsError(operation, [{ property: "destination", reason: `"${spec.destination}" is not a prefix` }]);
  const request: RouteSpec = {
    family: destination.family,
    destination: Buffer.from(destination.bytes),
    prefixLength: destination.prefixLength,
    table: spec.table,
    metric: spec.metric ?? 0,
    protocol: ROUTE_PROTOCOL,
    scope: destination.family === 4 ? (SCOPES[spec.scope ?? "global"] ?? 0) : 0,
  };
  if (spec.gateway !== undefined) request.gateway = addressBytes(spec.gateway);
  if (spec.source !== undefined) request.preferredSource = addressBytes(spec.source);
  if (spec.device !== undefined) {
    const link = netlink.getLink(spec.device, operation);
    if (link === undefined) {
      const where = spec.netns === undefined ? "" : ` in network namespace ${spec.netns}`;
      throw new InvalidInputsError(operation, [
        { property: "device", reason: `no device named ${spec.device} exists${where}; create it first (pass a TapInterface's or Bridge's name output, so Pulumi orders the two)` },
      ]);
    }
    request.outputIndex = link.index;
  }
  return request;
}

function stateOf(netlink: RouteNetlink, record: RouteRecord, netns: string | undefined): RouteState {
  const scope = Object.entries(SCOPES).find(([, value]) => value === record.scope)?.[0] ?? String(record.scope);
  const state: RouteState = {
    destination: prefixText(record),
    family: record.family,
    metric: record.metric,
    table: record.table,
    scope,
    protocol: record.protocol,
  };
  if (record.gateway !== undefined) state.gateway = formatAddress(record.family, record.gateway);
  const device = record.outputIndex === undefined ? undefined : netlink.getLinkByIndex(record.outputIndex, "read route");
  if (device !== undefined) state.device = device.name;
  if (record.preferredSource !== undefined) state.source = formatAddress(record.family, record.preferredSource);
  if (netns !== undefined) state.netns = netns;
  return state;
}

/** A route's key, from checked inputs or a state; undefined for a state that holds none. */
function keyOf(destination: unknown, table: unknown, metric: unknown): RouteKey | undefined {
  if (typeof destination !== "string" || typeof table !== "number") return undefined;
  const prefix = parseCidr(destination);
  if (typeof prefix === "string") return undefined;
  const key = { family: prefix.family, destination: Buffer.from(prefix.bytes), prefixLength: prefix.prefixLength, table };
  return typeof metric === "number" ? { ...key, metric } : undefined;
}

function withNetns(recorded: Recorded, netns: unknown): Recorded {
  return typeof netns === "string" ? { ...recorded, netns } : recorded;
}

/** Why the key is taken, by what, and what to do. */
function keyTakenReason(netlink: RouteNetlink, holder: RouteRecord, spec: RouteInputs): string {
  const destination = prefixText(holder);
  const device = holder.outputIndex === undefined ? undefined : netlink.getLinkByIndex(holder.outputIndex, "read route")?.name;
  const through = [holder.gateway === undefined ? "" : ` via ${formatAddress(holder.family, holder.gateway)}`, device === undefined ? "" : ` dev ${device}`].join("");
  const whose =
    holder.protocol === ROUTE_PROTOCOL
      ? `proto ${ROUTE_PROTOCOL}: made by pulumi-tuntap, but not recorded in this stack for this resource (another stack's, or one left by a run that stopped before recording it)`
      : (PROTOCOLS[holder.protocol] ?? `proto ${holder.protocol}: another program's`);
  const ip = spec.netns === undefined ? "ip" : `ip -n ${spec.netns}`;
  return (
    `${destination} in table ${holder.table} at metric ${holder.metric} is already taken by a route${through} (${whose}); the kernel keeps one route per ` +
    `destination, table and metric, and pulumi-tuntap never changes a route it did not make. Give this route another metric or table, or remove that ` +
    `route if nothing needs it (\`${ip} route del ${destination} table ${holder.table} metric ${holder.metric}\`).`
  );
}

function addressBytes(text: string): Buffer {
  const bytes = parseIPv4(text) ?? parseIPv6(text);
  if (bytes === undefined) throw new RangeError(`not an address: ${text}`);
  return Buffer.from(bytes);
}

function prefixText(key: RouteKey): string {
  return `${formatAddress(key.family, key.destination)}/${key.prefixLength}`;
}
