// The LabNetwork model: "a libvirt default network, declared" — a bridge that is its lab's gateway, the lab's
// traffic masqueraded out, forwarding on, and a DHCP server handing out addresses (fixed ones by MAC). The inputs
// (schema, defaults, the rules between them), and the plan the component builds its children from. Pure.
//
// The inputs are plain values, not Pulumi outputs: they decide which children exist and how many leases there are,
// which must be known when the program runs (as libvirt's network XML is written before `virsh net-define`).
import { z } from "zod";
import { type CheckFailure, failuresFromIssues } from "../../model/failures";
import * as fields from "../../model/fields";
import { formatIPv4, formatIPv6, parseCidr, parseIPv4 } from "../../model/ip";
import { maskedTo } from "../../resources/masquerade/prefix";

/** Bad LabNetwork inputs, every failure named by its property (`dhcp.hosts[1].address`). */
export class LabNetworkInputError extends Error {
  constructor(
    readonly resourceName: string,
    readonly failures: readonly CheckFailure[],
  ) {
    super(`LabNetwork "${resourceName}" has invalid inputs:\n${failures.map((failure) => `  ${failure.property}: ${failure.reason}`).join("\n")}`);
    this.name = "LabNetworkInputError";
  }
}

const port = z.number().int().min(1).max(65535);
const interfaceName = fields.interfaceName({ allowTemplate: false });

/** dnsmasq's lease time: seconds, or a number with m, h, d or w; "infinite". dnsmasq refuses less than 2 minutes. */
const leaseTime = z.string().superRefine((text, ctx) => {
  if (text === "infinite") return;
  const match = /^([0-9]{1,9})([smhdw]?)$/.exec(text);
  if (match === null) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a lease time like "1h", "30m", "3600" or "infinite"` });
    return;
  }
  const seconds = Number(match[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[match[2] as "" | "s" | "m" | "h" | "d" | "w"];
  if (seconds < 120) ctx.addIssue({ code: "custom", message: `"${text}" is shorter than 2 minutes, the least dnsmasq hands out` });
});

/** A host name as a DHCP client and DNS take it: one label (RFC 1123). */
const hostName = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, "must be one DNS label: letters, digits and inner hyphens, at most 63");

const ipv4Text = z.string();

const host = z.strictObject({ macAddress: fields.macAddress, address: ipv4Text, name: hostName.optional() });

const dhcpObject = z.strictObject({
  range: z.strictObject({ start: ipv4Text, end: ipv4Text }).optional(),
  leaseTime: leaseTime.default("1h"),
  hosts: z.array(host).default([]),
  dns: z.union([z.literal("gateway"), z.literal("none"), z.array(ipv4Text).min(1)]).default("gateway"),
});

const natObject = z.strictObject({
  egressDevice: interfaceName.optional(),
  sourcePorts: z.strictObject({ start: port, end: port }).optional(),
});

const forwardingObject = z.strictObject({ devices: z.array(interfaceName).min(1) });

const absolutePath = z.string().superRefine((path, ctx) => {
  if (!path.startsWith("/")) ctx.addIssue({ code: "custom", message: `"${path}" is not an absolute path` });
  else if (path.split("/").some((segment, index, all) => segment === ".." || segment === "." || (segment === "" && index > 0 && index < all.length - 1))) {
    ctx.addIssue({ code: "custom", message: `"${path}" is not written plainly: no "." or ".." segments and no "//"` });
  } else if (/[\u0000-\u001f\u007f]/.test(path)) ctx.addIssue({ code: "custom", message: "contains a control character" });
});

export const labNetworkArgsSchema = z.strictObject({
  bridgeName: interfaceName.optional(),
  address: z.string(),
  ipv6Address: z.string().optional(),
  nat: z.union([z.boolean(), natObject]).default(true),
  forwarding: z.union([z.boolean(), forwardingObject]).optional(),
  dhcp: z.union([z.boolean(), dhcpObject]).default(true),
  runDirectory: absolutePath.optional(),
  netns: fields.namespaceName.optional(),
  atBoot: z.union([z.boolean(), z.strictObject({ directory: absolutePath.optional() })]).default(false),
});

/** A fixed lease: this MAC always gets this address (and, with dnsmasq, this host name). */
export interface LabHost {
  macAddress: string;
  address: string;
  name?: string;
}

export interface LabDhcpPlan {
  range: { start: string; end: string };
  leaseTime: string;
  hosts: LabHost[];
  dns: "gateway" | "none" | string[];
}

/** Everything the component makes its children from, checked and with every default filled in. */
export interface LabNetworkPlan {
  bridgeName?: string;
  /** The bridge's IPv4 address with its prefix: "192.168.122.1/24". */
  address: string;
  /** The bridge's address alone: the guests' router. */
  gateway: string;
  /** "192.168.122.0/24". */
  subnet: string;
  netmask: string;
  ipv6Address?: string;
  ipv6Subnet?: string;
  nat?: { egressDevice?: string; sourcePorts?: { start: number; end: number } };
  /** Undefined: no Forwarding. `devices` absent: the global switches. */
  forwarding?: { devices?: string[] };
  dhcp?: LabDhcpPlan;
  runDirectory: string;
  netns?: string;
  atBoot?: { directory: string };
}

export type LabNetworkArgsInput = z.input<typeof labNetworkArgsSchema>;

/** Where dnsmasq runs for a LabNetwork when `runDirectory` is not given. */
export function defaultRunDirectory(project: string, stack: string, name: string): string {
  return `/run/pulumi-tuntap/${`${project}-${stack}-${name}`.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

const DEFAULT_BOOT_DIRECTORY = "/etc/systemd/network";

function toNumber(bytes: Uint8Array): number {
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}

function fromNumber(value: number): string {
  return formatIPv4(new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]));
}

interface Subnet {
  first: number;
  last: number;
  text: string;
}

/** The IPv4 gateway: an address of a subnet with room for hosts, neither its network nor its broadcast address. */
function checkAddress(address: string, failures: CheckFailure[]): { gateway: number; subnet: Subnet; prefixLength: number } | undefined {
  const parsed = parseCidr(address);
  if (typeof parsed === "string") {
    failures.push({ property: "address", reason: `"${address}" is not the gateway's IPv4 address with its prefix, like "192.168.122.1/24"` });
    return undefined;
  }
  if (parsed.family !== 4) {
    failures.push({ property: "address", reason: `"${address}" is IPv6: address is the lab's IPv4 gateway (DHCP hands out IPv4); give an IPv6 one as ipv6Address` });
    return undefined;
  }
  if (parsed.prefixLength > 30) {
    failures.push({ property: "address", reason: `"${address}" leaves no room for guests: a lab's subnet is a /30 or larger` });
    return undefined;
  }
  const size = 2 ** (32 - parsed.prefixLength);
  const gateway = toNumber(parsed.bytes);
  const first = gateway - (gateway % size);
  const subnet = { first, last: first + size - 1, text: `${fromNumber(first)}/${parsed.prefixLength}` };
  if (gateway === first || gateway === subnet.last) {
    failures.push({ property: "address", reason: `"${address}" is ${subnet.text}'s ${gateway === first ? "network" : "broadcast"} address; the gateway is a host address, e.g. ${fromNumber(first + 1)}/${parsed.prefixLength}` });
    return undefined;
  }
  return { gateway, subnet, prefixLength: parsed.prefixLength };
}

function checkIpv6(address: string, failures: CheckFailure[]): { address: string; subnet: string } | undefined {
  const parsed = parseCidr(address);
  if (typeof parsed === "string" || parsed.family !== 6) {
    failures.push({ property: "ipv6Address", reason: `"${address}" is not an IPv6 address with its prefix, like "fd00:122::1/64"` });
    return undefined;
  }
  const network = maskedTo(parsed.bytes, parsed.prefixLength);
  if (parsed.prefixLength >= 127 || network.every((byte, index) => byte === parsed.bytes[index])) {
    failures.push({ property: "ipv6Address", reason: `"${address}" is not a host address in a lab's prefix, like "fd00:122::1/64"` });
    return undefined;
  }
  return { address: `${formatIPv6(parsed.bytes)}/${parsed.prefixLength}`, subnet: `${formatIPv6(network)}/${parsed.prefixLength}` };
}

/** An IPv4 address of the lab's subnet that a guest can hold: a host address, not the gateway. */
function guestAddressProblem(text: string, subnet: Subnet, gateway: number): string | { value: number; text: string } {
  const bytes = parseIPv4(text);
  if (bytes === undefined) return `"${text}" is not an IPv4 address`;
  const value = toNumber(bytes);
  if (value < subnet.first || value > subnet.last) return `${text} is outside the lab's subnet ${subnet.text}`;
  if (value === subnet.first || value === subnet.last) return `${text} is ${subnet.text}'s ${value === subnet.first ? "network" : "broadcast"} address`;
  if (value === gateway) return `${text} is the gateway's own address`;
  return { value, text: formatIPv4(bytes) };
}

/**
 * The subnet's host addresses but the gateway, as libvirt's default network hands out 192.168.122.2–254. dnsmasq
 * takes one range here: with the gateway inside the subnet, the larger side of it.
 */
function defaultRange(subnet: Subnet, gateway: number): { start: string; end: string } {
  const below = { start: fromNumber(subnet.first + 1), end: fromNumber(gateway - 1) };
  const above = { start: fromNumber(gateway + 1), end: fromNumber(subnet.last - 1) };
  return gateway - subnet.first - 1 > subnet.last - 1 - gateway ? below : above;
}

function checkDhcp(dhcp: z.output<typeof dhcpObject>, subnet: Subnet, gateway: number, failures: CheckFailure[]): LabDhcpPlan {
  let range = defaultRange(subnet, gateway);
  if (dhcp.range !== undefined) {
    const start = guestAddressProblem(dhcp.range.start, subnet, gateway);
    const end = guestAddressProblem(dhcp.range.end, subnet, gateway);
    if (typeof start === "string") failures.push({ property: "dhcp.range.start", reason: start });
    if (typeof end === "string") failures.push({ property: "dhcp.range.end", reason: end });
    if (typeof start !== "string" && typeof end !== "string") {
      if (start.value > end.value) failures.push({ property: "dhcp.range.end", reason: `${end.text} comes before start ${start.text}` });
      else if (start.value < gateway && gateway < end.value) {
        failures.push({ property: "dhcp.range", reason: `${start.text}–${end.text} contains the gateway ${fromNumber(gateway)}: start the range after it or end it before` });
      }
      range = { start: start.text, end: end.text };
    }
  }
  const macs = new Map<string, number>();
  const addresses = new Map<string, number>();
  const names = new Map<string, number>();
  const hosts = dhcp.hosts.map((entry, index): LabHost => {
    const where = `dhcp.hosts[${index}]`;
    const address = guestAddressProblem(entry.address, subnet, gateway);
    if (typeof address === "string") failures.push({ property: `${where}.address`, reason: address });
    const text = typeof address === "string" ? entry.address : address.text;
    const repeated = (seen: Map<string, number>, key: string, property: string, what: string) => {
      const first = seen.get(key);
      if (first !== undefined) failures.push({ property: `${where}.${property}`, reason: `${key} ${what} dhcp.hosts[${first}]` });
      else seen.set(key, index);
    };
    repeated(macs, entry.macAddress, "macAddress", "has a fixed lease already, in");
    repeated(addresses, text, "address", "is leased already, to");
    if (entry.name !== undefined) repeated(names, entry.name.toLowerCase(), "name", "is the name of");
    return { macAddress: entry.macAddress, address: text, ...(entry.name === undefined ? {} : { name: entry.name }) };
  });
  const dns = dhcp.dns;
  if (Array.isArray(dns)) {
    dns.forEach((server, index) => {
      if (parseIPv4(server) === undefined) failures.push({ property: `dhcp.dns[${index}]`, reason: `"${server}" is not an IPv4 address: DHCP hands out IPv4 DNS servers` });
    });
  }
  return { range, leaseTime: dhcp.leaseTime, hosts, dns: Array.isArray(dns) ? dns.map((server) => formatIPv4(parseIPv4(server) ?? new Uint8Array(4))) : dns };
}

/**
 * `nat`, `forwarding`, `dhcp` and `atBoot` are a boolean or an object: a bad object fails as a union, which names no
 * property inside it. The object's own issues do: they are the ones of the option that is not a bare type mismatch.
 */
function withinUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union") return [issue];
    const matching = issue.errors.filter((option) => !(option.length === 1 && option[0]?.code === "invalid_type" && option[0].path.length === 0));
    if (matching.length !== 1) return [issue];
    return withinUnions(matching[0]!.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

/** What networkd's files cannot say of a lab (systemd.network(5)): refused when `atBoot`, naming the property. */
function bootFailures(plan: LabNetworkPlan, given: z.output<typeof labNetworkArgsSchema>): CheckFailure[] {
  if (plan.atBoot === undefined) return [];
  const failures: CheckFailure[] = [];
  const why = "networkd's IPMasquerade= masquerades the bridge's prefixes out of any other link and keeps source ports: drop it, or atBoot";
  if (plan.nat?.egressDevice !== undefined) failures.push({ property: "nat.egressDevice", reason: `cannot be written for boot: ${why}` });
  if (plan.nat?.sourcePorts !== undefined) failures.push({ property: "nat.sourcePorts", reason: `cannot be written for boot: ${why}` });
  if (plan.dhcp?.dns === "none") failures.push({ property: "dhcp.dns", reason: '"none" cannot be written for boot (NetworkdFiles hands out DNS servers or networkd\'s default); give a list, or "gateway"' });
  if (plan.dhcp !== undefined && given.dhcp !== false && typeof given.dhcp === "object" && given.dhcp.leaseTime !== "1h") {
    failures.push({ property: "dhcp.leaseTime", reason: `"${given.dhcp.leaseTime}" cannot be written for boot: networkd's DHCP server hands out its own (1h); leave leaseTime out with atBoot` });
  }
  return failures;
}

/**
 * The plan for a LabNetwork's inputs, or LabNetworkInputError naming every bad property. `runDirectory` defaults to
 * /run/pulumi-tuntap/<project>-<stack>-<name>.
 */
export function planLabNetwork(name: string, args: unknown, identity: { project: string; stack: string }): LabNetworkPlan {
  const parsed = labNetworkArgsSchema.safeParse(args);
  if (!parsed.success) throw new LabNetworkInputError(name, failuresFromIssues(withinUnions(parsed.error.issues), args, Object.keys(labNetworkArgsSchema.shape)));
  const given = parsed.data;
  const failures: CheckFailure[] = [];
  const ipv4 = checkAddress(given.address, failures);
  const ipv6 = given.ipv6Address === undefined ? undefined : checkIpv6(given.ipv6Address, failures);
  // Everything else is checked against the gateway's subnet.
  if (ipv4 === undefined) throw new LabNetworkInputError(name, failures);
  const nat = given.nat === false ? undefined : given.nat === true ? {} : given.nat;
  if (nat?.sourcePorts !== undefined && nat.sourcePorts.start > nat.sourcePorts.end) {
    failures.push({ property: "nat.sourcePorts.end", reason: `must be at least start (${nat.sourcePorts.start}), got ${nat.sourcePorts.end}` });
  }
  if (nat?.egressDevice !== undefined && nat.egressDevice === given.bridgeName) {
    failures.push({ property: "nat.egressDevice", reason: `"${nat.egressDevice}" is the lab's own bridge: name the uplink, or leave egressDevice out for any device but the bridge` });
  }
  const forwardingGiven = given.forwarding ?? nat !== undefined;
  const forwarding = forwardingGiven === false ? undefined : forwardingGiven === true ? {} : { devices: forwardingGiven.devices };
  forwarding?.devices?.forEach((device, index) => {
    const first = forwarding.devices?.indexOf(device) ?? index;
    if (first !== index) failures.push({ property: `forwarding.devices[${index}]`, reason: `"${device}" repeats forwarding.devices[${first}]` });
    if (device === given.bridgeName) failures.push({ property: `forwarding.devices[${index}]`, reason: `"${device}" is the lab's bridge, which is added by itself: name the uplink(s)` });
  });
  const dhcp = given.dhcp === false ? undefined : checkDhcp(given.dhcp === true ? dhcpObject.parse({}) : given.dhcp, ipv4.subnet, ipv4.gateway, failures);
  const mask = ipv4.prefixLength === 0 ? 0 : (0xffffffff << (32 - ipv4.prefixLength)) >>> 0;
  const plan: LabNetworkPlan = {
    ...(given.bridgeName === undefined ? {} : { bridgeName: given.bridgeName }),
    address: `${fromNumber(ipv4.gateway)}/${ipv4.prefixLength}`,
    gateway: fromNumber(ipv4.gateway),
    subnet: ipv4.subnet.text,
    netmask: fromNumber(mask),
    ...(ipv6 === undefined ? {} : { ipv6Address: ipv6.address, ipv6Subnet: ipv6.subnet }),
    ...(nat === undefined ? {} : { nat }),
    ...(forwarding === undefined ? {} : { forwarding }),
    ...(dhcp === undefined ? {} : { dhcp }),
    runDirectory: (given.runDirectory ?? defaultRunDirectory(identity.project, identity.stack, name)).replace(/(.)\/$/, "$1"),
    ...(given.netns === undefined ? {} : { netns: given.netns }),
    ...(given.atBoot === false ? {} : { atBoot: { directory: (given.atBoot === true ? undefined : given.atBoot.directory) ?? DEFAULT_BOOT_DIRECTORY } }),
  };
  failures.push(...bootFailures(plan, given));
  if (failures.length > 0) throw new LabNetworkInputError(name, failures);
  return plan;
}

/** Addresses counted from the start of the subnet, as networkd's PoolOffset= counts them. */
export function offsetInSubnet(plan: Pick<LabNetworkPlan, "subnet">, address: string): number {
  const subnet = parseCidr(plan.subnet);
  const bytes = parseIPv4(address);
  if (typeof subnet === "string" || bytes === undefined) throw new Error(`${address} is not in ${plan.subnet}`);
  return toNumber(bytes) - toNumber(subnet.bytes);
}
