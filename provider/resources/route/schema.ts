// The Route inputs: schema, normalisation, the rules between them, and the defaults `ip route` fills in. Pure;
// loaded by the first check (zod with it), so that a destroy or a refresh does without.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { formatAddress, parseBareAddress } from "../../model/ip";
import { DEFAULT_METRIC, familyOf, MAIN_TABLE, routeFamily } from "./model";

/** Table 255, where the kernel keeps the routes of the host's own addresses. */
const LOCAL_TABLE = 255;

/** The first address of the prefix, and whether `bytes` had host bits set beyond it. */
function networkOf(bytes: Uint8Array, prefixLength: number): { network: Uint8Array; hadHostBits: boolean } {
  const network = new Uint8Array(bytes.length);
  let hadHostBits = false;
  bytes.forEach((byte, index) => {
    const kept = Math.max(0, Math.min(8, prefixLength - index * 8));
    const mask = kept === 0 ? 0 : (0xff << (8 - kept)) & 0xff;
    network[index] = byte & mask;
    if ((byte & ~mask & 0xff) !== 0) hadHostBits = true;
  });
  return { network, hadHostBits };
}

/**
 * A destination: "default" (kept until the family is known), a prefix with no host bits set ("10.0.0.0/24"),
 * or an address alone, a host route (/32, /128), as `ip route` reads them. Normalised to canonical text.
 */
const destination = z.string().transform((text, ctx) => {
  if (text === "default") return text;
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  const address = parseBareAddress(addressText);
  if (address === undefined) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not "default", an IPv4 or IPv6 prefix like "10.0.0.0/24" or "fd00::/64", or an address` });
    return z.NEVER;
  }
  const maximum = address.family === 4 ? 32 : 128;
  if (prefixText !== undefined && (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > maximum)) {
    ctx.addIssue({ code: "custom", message: `"${text}" has a prefix length outside 0–${maximum}` });
    return z.NEVER;
  }
  const prefixLength = prefixText === undefined ? maximum : Number(prefixText);
  const { network, hadHostBits } = networkOf(address.bytes, prefixLength);
  const canonical = `${formatAddress(address.family, network)}/${prefixLength}`;
  if (hadHostBits) {
    ctx.addIssue({
      code: "custom",
      message: `"${text}" has host bits set beyond its /${prefixLength} prefix (the kernel refuses it: "Invalid prefix for given prefix length"); the network is ${canonical}`,
    });
    return z.NEVER;
  }
  return canonical;
});

/** A next-hop or source address: one unicast address, canonical. */
function hostAddress(what: string) {
  return z.string().transform((text, ctx) => {
    const address = parseBareAddress(text);
    if (address === undefined) {
      ctx.addIssue({ code: "custom", message: `"${text}" is not an IPv4 or IPv6 address (a ${what} has no prefix length)` });
      return z.NEVER;
    }
    const b = address.bytes;
    const problem = b.every((byte) => byte === 0)
      ? "the unspecified address"
      : (address.family === 4 && ((b[0] ?? 0) & 0xf0) === 0xe0) || (address.family === 6 && b[0] === 0xff)
        ? "a multicast address"
        : address.family === 4 && b.every((byte) => byte === 255)
          ? "the broadcast address"
          : undefined;
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", message: `"${text}" is ${problem}, which cannot be a ${what}` });
      return z.NEVER;
    }
    return formatAddress(address.family, b);
  });
}

/** A table id (1–4294967295) or "main"; "local" (255) holds the kernel's own routes to local addresses. */
const table = z.union([z.literal("main"), z.number()], { error: (issue) => `a table is a number or "main", got ${issue.input === undefined ? "nothing" : JSON.stringify(issue.input)}` }).transform((value, ctx) => {
  const id = value === "main" ? MAIN_TABLE : value;
  if (!Number.isInteger(id) || id < 1 || id > 4294967295) {
    ctx.addIssue({ code: "custom", message: `a table id is a whole number from 1 to 4294967295, or "main", got ${id}` });
    return z.NEVER;
  }
  if (id === LOCAL_TABLE) {
    ctx.addIssue({ code: "custom", message: 'table 255 is "local", where the kernel keeps the routes of the host\'s own addresses; it is not for routes of a stack: use "main" or a table of your own' });
    return z.NEVER;
  }
  return id;
});

export const routeInputsSchema = z.strictObject({
  destination,
  gateway: hostAddress("gateway").optional(),
  device: fields.interfaceName({ allowTemplate: false }).optional(),
  metric: z.number().int().min(0).max(4294967295).optional(),
  table: table.default(MAIN_TABLE),
  scope: z.enum(["global", "link", "host"]).optional(),
  source: hostAddress("preferred source").optional(),
  netns: fields.namespaceName.optional(),
});

/** Inputs after check: canonical addresses, a family-specific destination, metric and scope filled in. */
export type RouteInputs = z.output<typeof routeInputsSchema>;

const needsNextHop: CrossFieldRule<RouteInputs> = (value, unknown) => {
  if (value.gateway !== undefined || value.device !== undefined || unknown.has("gateway") || unknown.has("device")) return [];
  return [{ property: "gateway", reason: "a route needs a gateway, a device, or both: say where its packets go" }];
};

const defaultNeedsFamily: CrossFieldRule<RouteInputs> = (value, unknown) => {
  if (value.destination !== "default" || routeFamily(value) !== undefined || unknown.has("gateway") || unknown.has("source")) return [];
  return [{ property: "destination", reason: '"default" through a device alone names no family: write "0.0.0.0/0" (IPv4) or "::/0" (IPv6)' }];
};

const oneFamily: CrossFieldRule<RouteInputs> = (value) => {
  const family = routeFamily(value);
  if (family === undefined) return [];
  const failures: CheckFailure[] = [];
  for (const key of ["gateway", "source"] as const) {
    const other = familyOf(value[key]);
    if (other !== undefined && other !== family) failures.push({ property: key, reason: `${value[key]} is IPv${other} but the route is IPv${family}: a route has one family` });
  }
  return failures;
};

const scopeFitsRoute: CrossFieldRule<RouteInputs> = (value, unknown) => {
  if (value.scope === undefined || value.scope === "global") return [];
  if (routeFamily(value) === 6) {
    return [{ property: "scope", reason: 'IPv6 routes have no scope (the kernel reports every one as global); leave scope unset or "global"' }];
  }
  if (value.gateway !== undefined || unknown.has("gateway")) {
    return [{ property: "scope", reason: `a route through a gateway has global scope (the kernel refuses a gateway on a ${value.scope}-scope route: "Nexthop has invalid scope"); remove scope or the gateway` }];
  }
  return [];
};

const linkLocalGatewayNeedsDevice: CrossFieldRule<RouteInputs> = (value, unknown) => {
  const gateway = value.gateway;
  if (gateway === undefined || !/^fe[89ab]/i.test(gateway) || value.device !== undefined || unknown.has("device")) return [];
  return [{ property: "device", reason: `the gateway ${gateway} is link-local, which means something only on one link: name that device` }];
};

/**
 * check: validates and normalises; once the family is known, writes the destination "default" as 0.0.0.0/0 or
 * ::/0 and fills in what `ip route` would: metric 0 (IPv4) or 1024 (IPv6), and for IPv4 scope link for a route
 * straight out of a device, global through a gateway (ip/iproute.c).
 */
export function checkRoute(_olds: Properties, news: Properties): CheckOutcome<RouteInputs> {
  const outcome = checkInputs(routeInputsSchema, news, [needsNextHop, defaultNeedsFamily, oneFamily, scopeFitsRoute, linkLocalGatewayNeedsDevice]);
  const value = outcome.value;
  if (value === undefined) return outcome;
  const family = routeFamily(value);
  if (family === undefined) return outcome;
  const filled: Partial<RouteInputs> = {};
  if (value.destination === "default") filled.destination = family === 4 ? "0.0.0.0/0" : "::/0";
  if (value.metric === undefined && !outcome.unknown.has("metric")) filled.metric = DEFAULT_METRIC[family];
  if (value.scope === undefined && !outcome.unknown.has("scope")) {
    filled.scope = family === 4 && value.gateway === undefined && !outcome.unknown.has("gateway") ? "link" : "global";
  }
  const complete = outcome.complete === undefined ? undefined : { ...outcome.complete, ...filled };
  return { ...outcome, value: { ...value, ...filled }, inputs: { ...outcome.inputs, ...filled }, complete };
}
