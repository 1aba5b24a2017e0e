// The lifecycle of a Route: create (refusing a key already taken), read by key and protocol, update in place by
// NLM_F_REPLACE, delete. A route is this provider's only if it carries ROUTE_PROTOCOL, and the stack's only if
// it sits at the key the state records: nothing else is ever changed or deleted.
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
} from "../../kernel";
import { formatAddress, parseCidr, parseIPv4, parseIPv6, type Properties, ROUTE_PROTOCOL, type RouteInputs, type RouteState } from "../../model";
import { DeviceConflictError, InvalidInputsError, MissingDeviceError } from "../../lifecycle/errors";
import { namespaceClient } from "../../lifecycle/lifecycle";

const SCOPES: Record<string, number> = { global: 0, link: 253, host: 254 };
/** Protocols as /etc/iproute2/rt_protos names them, with who uses them. */
const PROTOCOLS: Record<number, string> = {
  2: "proto kernel: the kernel's own route to an address's subnet",
  3: "proto boot: added with `ip route add`, which uses this protocol when given none",
  4: "proto static: an administrator's or systemd-networkd's",
  9: "proto ra: learned from an IPv6 router advertisement",
  16: "proto dhcp: a DHCP client's",
};

export interface CreatedRoute {
  id: string;
  state: RouteState;
}

/** create: one RTM_NEWROUTE with NLM_F_EXCL; a key already taken is refused, naming what holds it. */
export function createRoute(spec: RouteInputs): CreatedRoute {
  const operation = `create route ${spec.destination}`;
  const netlink = rtnetlink(spec.netns);
  const request = kernelRoute(netlink, spec, operation);
  try {
    addRoute(netlink, request, { operation, step: "" });
  } catch (error) {
    const holder = error instanceof RouteExistsError ? routesAtKey(netlink, request, operation)[0] : undefined;
    if (holder === undefined) throw error;
    throw new DeviceConflictError(operation, "destination", keyTakenReason(netlink, holder, spec));
  }
  return { id: routeId(spec), state: readBack(netlink, request, spec.netns, operation) };
}

/** read: this provider's route at the recorded key; undefined when none is there any more. */
export function readRoute(props: Properties): RouteState | undefined {
  const key = recordedKey(props);
  const netlink = namespaceClient(props.netns);
  if (key === undefined || netlink === undefined) return undefined;
  const ours = ownRoute(netlink, key, "read route");
  return ours === undefined ? undefined : stateOf(netlink, ours, typeof props.netns === "string" ? props.netns : undefined);
}

/**
 * update: gateway, device, source or scope replaced at the same key by one NLM_F_REPLACE, which the kernel
 * carries out whole or refuses whole (it checks the new next hop before it touches the table). The kernel
 * replaces the first route at the key, whoever made it: that route must be ours.
 *
 * A route the kernel removed in this same run is made again: when the device a route names is replaced (a new
 * name), Pulumi deletes the old device first, and the kernel deletes the route with it, before this update.
 */
export function updateRoute(id: string, spec: RouteInputs): RouteState {
  const operation = `update route ${id}`;
  const netlink = rtnetlink(spec.netns);
  const request = kernelRoute(netlink, spec, operation);
  const first = routesAtKey(netlink, request, operation)[0];
  if (first !== undefined && (first.protocol !== ROUTE_PROTOCOL || first.multipath)) {
    throw new DeviceConflictError(operation, "destination", `${keyTakenReason(netlink, first, spec)} This stack's route is not there any more; run \`pulumi refresh\` first.`);
  }
  try {
    if (first === undefined) addRoute(netlink, request, { operation, step: "" });
    else replaceRoute(netlink, request, { operation, step: "" });
  } catch (error) {
    if (error instanceof KernelError) error.message += first === undefined ? " Nothing was added." : " The route was left as it was.";
    throw error;
  }
  return readBack(netlink, request, spec.netns, operation);
}

/** delete: this provider's route at the recorded key, matched by protocol, gateway and device too; gone already is success. */
export function deleteRoute(_id: string, props: Properties): void {
  const key = recordedKey(props);
  const netlink = namespaceClient(props.netns);
  if (key === undefined || netlink === undefined) return;
  const operation = `delete route ${String(props.destination)}`;
  const ours = ownRoute(netlink, key, operation);
  if (ours === undefined) return;
  const request: RouteSpec = { ...ours, protocol: ROUTE_PROTOCOL };
  deleteKernelRoute(netlink, request, { operation, step: "" });
}

/** "10.0.0.0/24 table 254 metric 0": the route's key, which is what the kernel knows it by. */
export function routeId(spec: Pick<RouteInputs, "destination" | "table" | "metric">): string {
  return `${spec.destination} table ${spec.table} metric ${spec.metric ?? 0}`;
}

function ownRoute(netlink: RouteNetlink, key: RouteKey, operation: string): RouteRecord | undefined {
  return routesAtKey(netlink, key, operation).find((record) => record.protocol === ROUTE_PROTOCOL && !record.multipath);
}

function readBack(netlink: RouteNetlink, key: RouteKey, netns: string | undefined, operation: string): RouteState {
  const ours = ownRoute(netlink, key, operation);
  if (ours === undefined) throw new MissingDeviceError(operation, `the route ${routeId({ destination: prefixText(key), table: key.table, metric: key.metric })}`);
  return stateOf(netlink, ours, netns);
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

/** The key the state recorded, or undefined for a state that holds none. */
function recordedKey(props: Properties): RouteKey | undefined {
  if (typeof props.destination !== "string" || typeof props.table !== "number" || typeof props.metric !== "number") return undefined;
  const destination = parseCidr(props.destination);
  if (typeof destination === "string") return undefined;
  return { family: destination.family, destination: Buffer.from(destination.bytes), prefixLength: destination.prefixLength, table: props.table, metric: props.metric };
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
