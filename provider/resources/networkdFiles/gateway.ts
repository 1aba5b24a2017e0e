// The device as its lab's gateway in systemd-networkd's files: a DHCP server handing out addresses (and fixed
// ones by MAC), the lab's prefixes masqueraded, IP forwarding — what libvirt's default network and NetworkManager's
// shared mode do, at boot. The settings come from a Masquerade's and a Forwarding's outputs (the NetworkdFiles class
// maps them) and from the DHCP server declared on the files. Schemas, the rules between them and the device, the
// lines written and their reading back. Pure.
//
// Where each setting goes, and the systemd version it needs (systemd.network(5)):
//   [Network]               DHCPServer= (215), IPMasquerade=ipv4|ipv6|both (247; implies forwarding on the link),
//                           IPForward= (up to 255: forwarding for the whole system), IPv4Forwarding= and
//                           IPv6Forwarding= (256: per link; IPForward= is deprecated from then on)
//   [DHCPServer]            PoolOffset=, PoolSize= (226), EmitDNS=, DNS= (226), EmitRouter= (230), Router= (251)
//   [DHCPServerStaticLease] MACAddress=, Address= (249)
// networkd masquerades the prefixes of the link's own addresses, out of any other link: a Masquerade is written only
// when it says exactly that.
import { z } from "zod";
import type { CrossFieldRule } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { formatAddress, formatIPv4, parseCidr, type ParsedCidr, parseIPv4 } from "../../model/ip";
import { type IniSection, lastValueOf, parseBoolean } from "./ini";

/** The first networkd whose per-link IPv4Forwarding=/IPv6Forwarding= replace IPForward=. */
export const PER_LINK_FORWARDING_VERSION = 256;

const ipv4 = z.string().transform((text, ctx) => {
  const bytes = parseIPv4(text);
  if (bytes === undefined) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not an IPv4 address: the DHCP server hands out IPv4 only` });
    return z.NEVER;
  }
  return formatIPv4(bytes);
});

const pool = z.number().int().min(1).max(16777214);

export const dhcpServerSchema = z.strictObject({
  /** The pool's first address, counted from the start of the subnet. networkd's default: just after the server's address. */
  poolOffset: pool.optional(),
  /** How many addresses the pool holds. networkd's default: the rest of the subnet. */
  poolSize: pool.optional(),
  /** DNS servers handed out. Unset: networkd's default, the ones the host itself uses. */
  dns: z.array(ipv4).min(1).optional(),
  /** The router handed out: an address, or false for none. Unset: the server's own address. */
  router: z.union([ipv4, z.literal(false)]).optional(),
  /** Fixed addresses by MAC, as libvirt's `<host mac=… ip=…/>`. */
  staticLeases: z.array(z.strictObject({ macAddress: fields.macAddress, address: ipv4 })).default([]),
});

export type DhcpServerSettings = z.output<typeof dhcpServerSchema>;

/** A Masquerade's outputs, as the NetworkdFiles class passes them. */
export const masqueradeSettingsSchema = z.strictObject({
  device: z.string(),
  sources: z.array(z.string()),
  egressDevice: z.string().optional(),
  sourcePorts: z.strictObject({ start: z.number(), end: z.number() }).optional(),
});

/** A Forwarding's outputs, as the NetworkdFiles class passes them. */
export const forwardingSettingsSchema = z.strictObject({
  ipv4: z.boolean(),
  ipv6: z.boolean(),
  devices: z.array(z.string()).optional(),
});

export type MasqueradeSettings = z.output<typeof masqueradeSettingsSchema>;
export type ForwardingSettings = z.output<typeof forwardingSettingsSchema>;

/** The gateway settings among NetworkdFiles' inputs. */
export interface GatewaySettings {
  dhcpServer?: DhcpServerSettings | undefined;
  masquerade?: MasqueradeSettings | undefined;
  forwarding?: ForwardingSettings | undefined;
  networkdVersion?: number | undefined;
}

/** With the device's settings they are checked against. */
export interface GatewayInputs extends GatewaySettings {
  kind?: string | undefined;
  name?: string | undefined;
  addresses?: string[] | undefined;
}

function prefixesOf(addresses: readonly string[], family: 4 | 6): string[] {
  return addresses.flatMap((address) => {
    const parsed = parseCidr(address);
    if (typeof parsed === "string" || parsed.family !== family) return [];
    const bits = parsed.prefixLength;
    const network = parsed.bytes.map((byte, index) => byte & ((0xff00 >> Math.min(8, Math.max(0, bits - index * 8))) & 0xff));
    return [`${formatAddress(family, network)}/${bits}`];
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
}

/** The subnet the DHCP server serves: that of the device's first IPv4 address (networkd's server address). */
function serverSubnet(addresses: readonly string[]): ParsedCidr | undefined {
  for (const address of addresses) {
    const parsed = parseCidr(address);
    if (typeof parsed !== "string" && parsed.family === 4) return parsed;
  }
  return undefined;
}

function toNumber(bytes: Uint8Array): number {
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}

function dhcpFailures(value: GatewayInputs, unknown: ReadonlySet<string>): CheckFailure[] {
  const server = value.dhcpServer;
  if (server === undefined || unknown.has("addresses")) return [];
  if (value.kind === "tun") return [{ property: "dhcpServer", reason: "a tun device carries IP packets without Ethernet frames: no DHCP client can broadcast on it. Serve DHCP on a tap or a bridge" }];
  const subnet = serverSubnet(value.addresses ?? []);
  if (subnet === undefined) return [{ property: "dhcpServer", reason: "the DHCP server needs an IPv4 address on the device (its subnet is the pool's); add one to the device's addresses" }];
  const failures: CheckFailure[] = [];
  const size = 2 ** (32 - subnet.prefixLength);
  const start = toNumber(subnet.bytes) - (toNumber(subnet.bytes) % size);
  const subnetText = `${formatIPv4(new Uint8Array([start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255]))}/${subnet.prefixLength}`;
  const offset = server.poolOffset ?? 1;
  if (server.poolOffset !== undefined && server.poolOffset > size - 2) failures.push({ property: "dhcpServer.poolOffset", reason: `${server.poolOffset} lies beyond ${subnetText}, which holds ${size - 2} host addresses` });
  else if (server.poolSize !== undefined && offset + server.poolSize > size - 1) {
    failures.push({ property: "dhcpServer.poolSize", reason: `a pool of ${server.poolSize} from offset ${offset} runs past the end of ${subnetText} (its last host address is at offset ${size - 2})` });
  }
  const serverAddress = toNumber(subnet.bytes);
  const macs = new Map<string, number>();
  const addresses = new Map<string, number>();
  server.staticLeases.forEach((lease, index) => {
    const address = toNumber(parseIPv4(lease.address) ?? new Uint8Array(4));
    const where = `dhcpServer.staticLeases[${index}]`;
    if (address < start || address >= start + size) failures.push({ property: `${where}.address`, reason: `${lease.address} is outside ${subnetText}, the subnet the server hands addresses out of` });
    else if (address === start || address === start + size - 1) failures.push({ property: `${where}.address`, reason: `${lease.address} is ${subnetText}'s ${address === start ? "network" : "broadcast"} address` });
    else if (address === serverAddress) failures.push({ property: `${where}.address`, reason: `${lease.address} is the server's own address` });
    const sameMac = macs.get(lease.macAddress);
    if (sameMac !== undefined) failures.push({ property: `${where}.macAddress`, reason: `${lease.macAddress} has a lease already (staticLeases[${sameMac}])` });
    const sameAddress = addresses.get(lease.address);
    if (sameAddress !== undefined) failures.push({ property: `${where}.address`, reason: `${lease.address} is leased already (staticLeases[${sameAddress}])` });
    macs.set(lease.macAddress, index);
    addresses.set(lease.address, index);
  });
  return failures;
}

/**
 * networkd masquerades the prefixes of the link's own addresses out of any other link; a Masquerade is written
 * only when it means exactly that: for this device, no uplink or port range, and per family the device's prefixes.
 */
function masqueradeFailures(value: GatewayInputs, unknown: ReadonlySet<string>): CheckFailure[] {
  const masquerade = value.masquerade;
  if (masquerade === undefined || unknown.has("masquerade") || unknown.has("name") || unknown.has("addresses")) return [];
  const failures: CheckFailure[] = [];
  if (masquerade.device !== value.name) {
    return [{ property: "masquerade", reason: `that Masquerade is for ${masquerade.device}, not ${value.name ?? "this device"}: give it to ${masquerade.device}'s NetworkdFiles` }];
  }
  if (masquerade.egressDevice !== undefined) {
    failures.push({ property: "masquerade.egressDevice", reason: `networkd's IPMasquerade= masquerades out of every other link, not out of ${masquerade.egressDevice} only: files cannot say what this Masquerade says. Leave egressDevice out, or keep it out of the files` });
  }
  if (masquerade.sourcePorts !== undefined) failures.push({ property: "masquerade.sourcePorts", reason: "networkd's IPMasquerade= has no source port range: leave sourcePorts out, or keep the Masquerade out of the files" });
  for (const family of [4, 6] as const) {
    const sources = masquerade.sources.filter((source) => (family === 4) === !source.includes(":"));
    const own = prefixesOf(value.addresses ?? [], family);
    if (sources.length > 0 && !sameSet(sources, own)) {
      failures.push({
        property: "masquerade.sources",
        reason: `networkd masquerades the prefixes of the device's own IPv${family} addresses (${own.length === 0 ? "none" : own.join(", ")}), not ${sources.join(", ")}: make the Masquerade's IPv${family} sources exactly those`,
      });
    }
  }
  return failures;
}

function forwardingFailures(value: GatewayInputs, unknown: ReadonlySet<string>): CheckFailure[] {
  const forwarding = value.forwarding;
  if (forwarding === undefined || unknown.has("forwarding") || unknown.has("networkdVersion")) return [];
  if (forwarding.devices !== undefined && !unknown.has("name") && value.name !== undefined && !forwarding.devices.includes(value.name)) {
    return [{ property: "forwarding", reason: `that Forwarding is for ${forwarding.devices.join(", ")}, not ${value.name}` }];
  }
  const version = value.networkdVersion;
  if (version === undefined) {
    return [
      {
        property: "networkdVersion",
        reason: `how forwarding is written depends on the systemd version the files are for (IPForward= up to 255, IPv4Forwarding= from ${PER_LINK_FORWARDING_VERSION}), and no systemd-networkd was found on this host: set networkdVersion`,
      },
    ];
  }
  if (forwarding.devices !== undefined && version < PER_LINK_FORWARDING_VERSION) {
    return [
      {
        property: "forwarding",
        reason: `that Forwarding is for some devices only, but networkd ${version}'s IPForward= turns forwarding on for every device; per-link forwarding at boot needs systemd ${PER_LINK_FORWARDING_VERSION} (IPv4Forwarding=). Forward globally, or keep the Forwarding out of the files`,
      },
    ];
  }
  return [];
}

export const gatewayRules: CrossFieldRule<GatewayInputs>[] = [dhcpFailures, masqueradeFailures, forwardingFailures];

/** IPMasquerade='s value: the families of the Masquerade's sources. */
function masqueradeFamilies(masquerade: MasqueradeSettings): "ipv4" | "ipv6" | "both" | undefined {
  const v4 = masquerade.sources.some((source) => !source.includes(":"));
  const v6 = masquerade.sources.some((source) => source.includes(":"));
  return v4 && v6 ? "both" : v4 ? "ipv4" : v6 ? "ipv6" : undefined;
}

/** The lines of the [Network] section. */
export function gatewayNetworkLines(settings: GatewayInputs): string[] {
  const lines: string[] = [];
  if (settings.dhcpServer !== undefined) lines.push("DHCPServer=yes");
  const masquerade = settings.masquerade === undefined ? undefined : masqueradeFamilies(settings.masquerade);
  if (masquerade !== undefined) lines.push(`# The Masquerade's: this link's prefixes out of any other link (systemd 247; it implies forwarding on this link).`, `IPMasquerade=${masquerade}`);
  const forwarding = settings.forwarding;
  const version = settings.networkdVersion;
  if (forwarding !== undefined && version !== undefined && (forwarding.ipv4 || forwarding.ipv6)) {
    if (version < PER_LINK_FORWARDING_VERSION) {
      const value = forwarding.ipv4 && forwarding.ipv6 ? "yes" : forwarding.ipv4 ? "ipv4" : "ipv6";
      lines.push(`# The Forwarding's, for systemd ${version}: IPForward= turns forwarding on for the whole system (deprecated from ${PER_LINK_FORWARDING_VERSION}).`, `IPForward=${value}`);
    } else {
      lines.push(`# The Forwarding's, for systemd ${version}: this link's; the whole system's is networkd.conf's [Network] IPv4Forwarding=.`);
      if (forwarding.ipv4) lines.push("IPv4Forwarding=yes");
      if (forwarding.ipv6) lines.push("IPv6Forwarding=yes");
    }
  }
  return lines;
}

/** The [DHCPServer] and [DHCPServerStaticLease] sections. */
export function dhcpServerSections(server: DhcpServerSettings | undefined): string[] {
  if (server === undefined) return [];
  const lines = ["", "[DHCPServer]"];
  if (server.poolOffset !== undefined) lines.push(`PoolOffset=${server.poolOffset}`);
  if (server.poolSize !== undefined) lines.push(`PoolSize=${server.poolSize}`);
  if (server.dns !== undefined) lines.push("EmitDNS=yes", `DNS=${server.dns.join(" ")}`);
  if (server.router === false) lines.push("EmitRouter=no");
  else if (server.router !== undefined) lines.push("# Router= needs systemd 251 or later.", "EmitRouter=yes", `Router=${server.router}`);
  for (const lease of server.staticLeases) lines.push("", "[DHCPServerStaticLease]", `MACAddress=${lease.macAddress}`, `Address=${lease.address}`);
  return lines;
}

/** The gateway settings a .network file describes, as far as it describes them; `version` as its comment names it. */
export function gatewayFromSections(network: readonly IniSection[], name: string | undefined, addresses: readonly string[], text: string): GatewaySettings {
  const settings: GatewaySettings = {};
  if (parseBoolean(lastValueOf(network, "Network", "DHCPServer")) === true) {
    const number = (key: string) => {
      const found = lastValueOf(network, "DHCPServer", key);
      return found !== undefined && /^[0-9]{1,8}$/.test(found) ? Number(found) : undefined;
    };
    const dns = lastValueOf(network, "DHCPServer", "DNS")?.split(/\s+/).filter((entry) => entry !== "");
    const router = parseBoolean(lastValueOf(network, "DHCPServer", "EmitRouter")) === false ? false : lastValueOf(network, "DHCPServer", "Router");
    const staticLeases = network
      .filter((section) => section.name === "DHCPServerStaticLease")
      .flatMap((section) => {
        const entries = new Map(section.entries);
        const macAddress = entries.get("MACAddress");
        const address = entries.get("Address");
        return macAddress === undefined || address === undefined ? [] : [{ macAddress, address }];
      });
    const server: Record<string, unknown> = { staticLeases };
    if (number("PoolOffset") !== undefined) server.poolOffset = number("PoolOffset");
    if (number("PoolSize") !== undefined) server.poolSize = number("PoolSize");
    if (dns !== undefined && dns.length > 0) server.dns = dns;
    if (router !== undefined) server.router = router;
    settings.dhcpServer = server as DhcpServerSettings;
  }
  const masquerade = lastValueOf(network, "Network", "IPMasquerade");
  if (name !== undefined && (masquerade === "ipv4" || masquerade === "ipv6" || masquerade === "both")) {
    const families = masquerade === "both" ? ([4, 6] as const) : masquerade === "ipv4" ? ([4] as const) : ([6] as const);
    settings.masquerade = { device: name, sources: families.flatMap((family) => prefixesOf(addresses, family)) };
  }
  const version = /^# The Forwarding's, for systemd ([0-9]+):/m.exec(text)?.[1];
  if (version !== undefined) settings.networkdVersion = Number(version);
  const forward = lastValueOf(network, "Network", "IPForward");
  if (forward !== undefined) {
    const both = parseBoolean(forward) === true;
    settings.forwarding = { ipv4: both || forward === "ipv4", ipv6: both || forward === "ipv6" };
  } else {
    const ipv4 = parseBoolean(lastValueOf(network, "Network", "IPv4Forwarding")) === true;
    const ipv6 = parseBoolean(lastValueOf(network, "Network", "IPv6Forwarding")) === true;
    if ((ipv4 || ipv6) && name !== undefined) settings.forwarding = { ipv4, ipv6, devices: [name] };
  }
  return settings;
}
