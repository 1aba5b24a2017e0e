// Route as a kind: one RTM_NEWROUTE with NLM_F_EXCL makes it (a key already taken is refused, naming what holds
// it), read by key and protocol, updated in place by NLM_F_REPLACE, deleted. A route is this provider's only if it
// carries ROUTE_PROTOCOL, and the stack's only if it sits at the key the state records: nothing else is ever
// changed or deleted. Routes carry no name to hold a stamp, so none is ever taken over.
import { KernelError } from "../../kernel/errors";
import type { NextHop, RouteRecord, RouteSpec } from "../../kernel/netlink/route";
import {
  addRoute,
  appendRoute,
  deleteRoute as deleteKernelRoute,
  type RouteKey,
  replaceRoute,
  RouteExistsError,
  routesAtKey,
} from "../../kernel/routes";
import { type RouteNetlink, rtnetlink, rtnetlinkIfExists } from "../../kernel/rtnetlink";
import type { Properties } from "../../model/check";
import { formatAddress, parseBareAddress, parseCidr } from "../../model/ip";
import { DeviceConflictError, InvalidInputsError } from "../../lifecycle/errors";
import type { Ownership, ResourceKind } from "../../lifecycle/kind";
import { resourceProvider } from "../../lifecycle/provider";
import type { Step } from "../../lifecycle/steps";
import { diffRoute } from "./diff";
import { ROUTE_PROTOCOL, ROUTE_UNSET_OUTPUTS, type RouteState } from "./model";
import type * as schemaModule from "./schema";
import type { RouteInputs } from "./schema";

/** The inputs' schema, loaded by the first check: a destroy or a refresh never checks, and does without zod. */
const schema = (): typeof schemaModule => require("./schema");

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
  check: (olds, news) => schema().checkRoute(olds, news),
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
   * Gateway, device, source or scope changed at the same key. The kernel's in-place replace (NLM_F_REPLACE),
   * which it carries out whole or refuses whole, changes the first route at the key, whoever made it: it is used
   * when that route is ours. When another program's route was put before ours (`ip route prepend`), ours is
   * deleted and the new one appended behind it instead, as two undoable steps. A route gone from its key (the
   * kernel deletes it with the device it left by, in the same run that replaces that device) is made again.
   * Ours merged with another program's next hops (IPv6 joins routes through gateways at one key) is refused:
   * the kernel replaces or deletes such a route only whole or one next hop at a time by its gateway.
   */
  steps({ netlink, key, routes }, spec, _id, _stamps, operation) {
    const request = kernelRoute(netlink, spec, operation);
    const context = { operation, step: "" };
    const ours = routes.find(isOurs);
    const [first] = routes;
    if (ours === undefined) {
      if (first !== undefined) {
        throw new DeviceConflictError(operation, "destination", `This stack's route is gone from its key (deleted with its device, or by hand), and ${keyTakenReason(netlink, first, spec)}`);
      }
      return [annotated({ description: "add the route", apply: () => addRoute(netlink, request, context) }, " Nothing was added.")];
    }
    if (ours.nextHops !== undefined) throw mergedRouteError(netlink, key, ours, spec, operation);
    if (ours === first) return [annotated({ description: "replace the route", apply: () => replaceRoute(netlink, request, context) }, " The route was left as it was.")];
    const previous = specOf(ours);
    return [
      { description: "delete the route behind another program's", apply: () => deleteKernelRoute(netlink, previous, context), undo: () => appendRoute(netlink, previous, context) },
      { description: "append the changed route", apply: () => appendRoute(netlink, request, context), undo: () => deleteKernelRoute(netlink, request, context) },
    ];
  },

  /** Ours only, by protocol, gateway and device (one next hop of a merged route); gone already is success. */
  remove({ netlink, routes }, operation) {
    const ours = routes.find(isOurs);
    if (ours !== undefined) deleteKernelRoute(netlink, specOf(ours), { operation, step: "" });
  },

  /** Our route gone from its key while its namespace is still there: the kernel deleted it with its device (or someone did by hand). */
  undoneByKernel(id, olds) {
    const found = route.find(id, route.recordedFrom(olds), `diff ${route.subject(id)}`);
    return found === undefined || found.routes.some(isOurs) ? [] : ["destination"];
  },

  state({ netlink, routes }, { netns }) {
    const ours = routes.find(isOurs);
    return ours === undefined ? undefined : stateOf(netlink, ours, netns);
  },

  unsetOutputs: ROUTE_UNSET_OUTPUTS,
};

/** The Route provider's real work: what pulumi-tuntap/providers/route loads when it is called. */
export const implementation = resourceProvider(route);

/** "10.0.0.0/24 table 254 metric 0": the route's key, which is what the kernel knows it by. */
function routeId(spec: Pick<RouteInputs, "destination" | "table" | "metric">): string {
  return `${spec.destination} table ${spec.table} metric ${spec.metric ?? 0}`;
}

/**
 * This provider's route: one of its protocol. Merged with another program's next hops (IPv6), it shows as one
 * multipath route with our protocol and our next hop first: ours was made first, the key being free then.
 */
function isOurs(record: RouteRecord): boolean {
  return record.protocol === ROUTE_PROTOCOL;
}

/** Our next hop: the route's own, or the first of a merged route's. */
function ourHop(record: RouteRecord): Partial<NextHop> {
  return record.nextHops?.[0] ?? { ...(record.gateway === undefined ? {} : { gateway: record.gateway }), ...(record.outputIndex === undefined ? {} : { outputIndex: record.outputIndex }) };
}

/**
 * Our route (our next hop of a merged one) as a request: what deletes exactly it — the kernel matches the
 * protocol, gateway and device, and deletes one next hop when a gateway is given — and what puts it back.
 */
function specOf(record: RouteRecord): RouteSpec {
  const { family, destination, prefixLength, table, metric, scope, preferredSource } = record;
  const { gateway, outputIndex } = ourHop(record);
  const spec: RouteSpec = { family, destination, prefixLength, table, metric, scope, protocol: ROUTE_PROTOCOL };
  if (gateway !== undefined) spec.gateway = gateway;
  if (outputIndex !== undefined) spec.outputIndex = outputIndex;
  if (preferredSource !== undefined) spec.preferredSource = preferredSource;
  return spec;
}

/** Adds what the kernel left when a single request fails: one request is carried out whole or refused whole. */
function annotated(step: Step, leftAsItWas: string): Step {
  return {
    ...step,
    apply: () => {
      try {
        step.apply();
      } catch (error) {
        if (error instanceof KernelError) error.message += leftAsItWas;
        throw error;
      }
    },
  };
}

/** Ours merged with another program's next hops into one multipath route (IPv6 `ip -6 route append`): refused, saying how to part them. */
function mergedRouteError(netlink: RouteNetlink, key: RouteKey, ours: RouteRecord, spec: RouteInputs, operation: string): DeviceConflictError {
  const destination = prefixText(key);
  const ip = spec.netns === undefined ? "ip" : `ip -n ${spec.netns}`;
  const hops = (ours.nextHops ?? []).slice(1).map((hop) => {
    const via = hop.gateway === undefined ? "" : ` via ${formatAddress(ours.family, hop.gateway)}`;
    const device = netlink.getLinkByIndex(hop.outputIndex, "read route")?.name;
    return `${via}${device === undefined ? "" : ` dev ${device}`}`.trim();
  });
  return new DeviceConflictError(
    operation,
    "destination",
    `the kernel has merged this stack's route to ${destination} (table ${key.table}, metric ${key.metric}) with next hops another program added at the same key (${hops.join("; ")}) into one multipath route, ` +
      "and changes such a route only whole: pulumi-tuntap never changes another program's next hops. Remove them " +
      `(\`${ip} -${ours.family} route del ${destination} table ${key.table} metric ${key.metric} ${hops[0] ?? ""}\`), then run \`pulumi up\` again.`,
  );
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
  const { gateway, outputIndex } = ourHop(record);
  const scope = Object.entries(SCOPES).find(([, value]) => value === record.scope)?.[0] ?? String(record.scope);
  const state: RouteState = {
    destination: prefixText(record),
    family: record.family,
    metric: record.metric,
    table: record.table,
    scope,
    protocol: record.protocol,
  };
  if (gateway !== undefined) state.gateway = formatAddress(record.family, gateway);
  const device = outputIndex === undefined ? undefined : netlink.getLinkByIndex(outputIndex, "read route");
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
  const bytes = parseBareAddress(text)?.bytes;
  if (bytes === undefined) throw new RangeError(`not an address: ${text}`);
  return Buffer.from(bytes);
}

function prefixText(key: RouteKey): string {
  return `${formatAddress(key.family, key.destination)}/${key.prefixLength}`;
}
