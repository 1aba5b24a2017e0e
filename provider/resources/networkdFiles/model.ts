// The NetworkdFiles model: the inputs of the resource that writes a device's systemd-networkd files (schema,
// defaults, cross-field rules), where those files go, and its state. Pure.
//
// Paths: both files live directly inside `directory`, named `<fileStem>.netdev` and `<fileStem>.network`.
// The directory must be absolute and named plainly (no "." or ".." segments), and the stem is one file name
// of safe characters, so no input can point a write or a delete anywhere else.
import { z } from "zod";
import { type CheckOutcome, checkInputs, type CrossFieldRule, type Properties } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { ipv6NeedsMinimumMtu, mtuProblem } from "../../model/linkRules";
import { byteLength, quoted } from "../../model/names";
import { TUN_MTU_RANGE } from "../tapInterface/model";
import { tunFields } from "../tapInterface/schema";
import { type DhcpServerSettings, dhcpServerSchema, type ForwardingSettings, forwardingSettingsSchema, gatewayRules, type MasqueradeSettings, masqueradeSettingsSchema } from "./gateway";
import { type NetworkdRoute, networkdRoute, routesLeaveByTheDevice } from "./routes";
import { type NetworkdVxlanSettings, vxlanFields, vxlansOverTheDevice, vxlanSettingsFitTheKind } from "./vxlan";

export const DEFAULT_NETWORKD_DIRECTORY = "/etc/systemd/network";
/**
 * networkd applies the first .network file (in file-name order) that matches a link; distributions ship
 * catch-alls from "80-" on, and systemd.network(5) recommends prefixes below 70.
 */
export const DEFAULT_FILE_STEM_PREFIX = "50-";
export const NETDEV_EXTENSION = ".netdev";
export const NETWORK_EXTENSION = ".network";

export type NetworkdDeviceKind = "tap" | "tun" | "bridge" | "veth" | "vxlan";

/** Room for the longest extension and the temporary-file decoration within NAME_MAX (255 bytes). */
const MAX_FILE_STEM_BYTES = 200;
/** Far below PATH_MAX (4096), leaving room for the file name. */
const MAX_DIRECTORY_BYTES = 3800;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why `directory` cannot hold boot files, or undefined when it can. */
export function directoryProblem(directory: string): string | undefined {
  if (!directory.startsWith("/")) return `"${directory}" is not an absolute path; name the directory in full, e.g. "${DEFAULT_NETWORKD_DIRECTORY}"`;
  if (CONTROL_CHARACTER.test(directory)) return "contains a control character";
  if (byteLength(directory) > MAX_DIRECTORY_BYTES) return `is longer than ${MAX_DIRECTORY_BYTES} bytes`;
  const segments = directory.split("/").slice(1);
  if (segments.includes("..")) return `"${directory}" contains "..": boot files go into the directory named, never above it`;
  const inner = directory.endsWith("/") ? segments.slice(0, -1) : segments;
  if (directory !== "/" && (inner.includes(".") || inner.includes(""))) {
    return `"${directory}" is not written plainly: no "." segments and no "//"`;
  }
  return undefined;
}

/** The directory without a trailing "/", so that one directory has one spelling (and one set of paths). */
export function normalizeDirectory(directory: string): string {
  return directory.length > 1 && directory.endsWith("/") ? directory.slice(0, -1) : directory;
}

/** Why `stem` cannot name the files, or undefined when it can. */
export function fileStemProblem(stem: string): string | undefined {
  if (stem.length === 0) return "must not be empty";
  if (stem.includes("/")) return `"${stem}" contains "/": it names files directly inside the directory, never a path`;
  if (stem.startsWith(".")) return `"${stem}" starts with ".": that makes a hidden file (and "." and ".." are directories)`;
  if (!/^[A-Za-z0-9_.@+-]+$/.test(stem)) {
    return `"${stem}" may hold only letters, digits, ".", "_", "-", "+" and "@": it is one file name inside the directory, never a path`;
  }
  if (byteLength(stem) > MAX_FILE_STEM_BYTES) return `is longer than ${MAX_FILE_STEM_BYTES} bytes`;
  return undefined;
}

/**
 * Interface names as a networkd file can match them exactly. networkd's [Match] Name= takes shell globs and
 * a leading "!" negates it, so "*", "?", "[", "!" and the like would match other links; networkd also
 * refuses names that are only digits (they read as interface indexes).
 */
export function networkdNameProblem(name: string): string | undefined {
  // An empty name is the interface-name rule's to report.
  if (name === "") return undefined;
  if (!/^[A-Za-z0-9_.@+-]+$/.test(name)) {
    return `${quoted(name)} cannot be written to a networkd file unchanged: only letters, digits, ".", "_", "-", "+" and "@" keep [Match] Name= an exact match (it takes shell globs)`;
  }
  if (/^[0-9]+$/.test(name)) return `${quoted(name)} is all digits, which systemd-networkd refuses as an interface name`;
  return undefined;
}

function refined<T extends z.ZodType<string, string>>(schema: T, problem: (value: string) => string | undefined) {
  return schema.superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  });
}

const networkdInterfaceName = refined(fields.interfaceName({ allowTemplate: false }), networkdNameProblem);

/** A value written after "Key=": one line, no leading or trailing blanks, no trailing "\" (a line continuation). */
export function settingValueProblem(value: string): string | undefined {
  if (CONTROL_CHARACTER.test(value)) return "contains a line break or another control character, which one line of a networkd file cannot hold";
  if (value.trim() !== value) return "starts or ends with white space, which networkd strips";
  if (value.endsWith("\\")) return 'ends with "\\", which networkd reads as a line continuation';
  return undefined;
}

const settingDescription = refined(fields.description, settingValueProblem);

const identity = z.string().min(1).max(1024).superRefine((value, ctx) => {
  if (CONTROL_CHARACTER.test(value)) ctx.addIssue({ code: "custom", message: "contains a control character; it is written into a comment line" });
});

export const networkdFilesInputsSchema = z.strictObject({
  kind: z.enum(["tap", "tun", "bridge", "veth", "vxlan"]).optional(),
  name: networkdInterfaceName.optional(),
  ...tunFields,
  mtu: fields.linkFields.mtu,
  macAddress: fields.linkFields.macAddress,
  addresses: fields.linkFields.addresses,
  bridge: networkdInterfaceName.optional(),
  stp: z.boolean().default(false),
  promiscuous: z.boolean().default(false),
  up: z.boolean().default(true),
  description: settingDescription.optional(),
  netns: z.string().optional(),
  directory: refined(z.string(), directoryProblem).transform(normalizeDirectory).default(DEFAULT_NETWORKD_DIRECTORY),
  fileStem: refined(z.string(), fileStemProblem).optional(),
  managedBy: identity.optional(),
  // A veth pair's peer: written to the .netdev's [Peer] section.
  peerName: networkdInterfaceName.optional(),
  peerMacAddress: fields.linkFields.macAddress,
  peerNetns: z.string().optional(),
  /** Routes out of the device (Route resources' outputs), each a [Route] section of the .network file. */
  routes: z.array(networkdRoute).default([]),
  // A VXLAN device's settings and peers, and the VXLAN devices a link carries (see vxlan.ts).
  ...vxlanFields,
  /** A DHCP server on the device: DHCPServer= and its [DHCPServer] and [DHCPServerStaticLease] sections. */
  dhcpServer: dhcpServerSchema.optional(),
  /** A Masquerade of the device's prefixes (its outputs): IPMasquerade=. */
  masquerade: masqueradeSettingsSchema.optional(),
  /** A Forwarding (its outputs): IPForward= or IPv4Forwarding=/IPv6Forwarding=, as `networkdVersion` reads them. */
  forwarding: forwardingSettingsSchema.optional(),
  /** The systemd version the files are for; the NetworkdFiles provider fills in this host's. */
  networkdVersion: z.number().int().min(200).max(9999).optional(),
});

export type NetworkdFilesInputs = z.output<typeof networkdFilesInputsSchema>;

/** What a NetworkdFiles resource renders from: the device's settings, every required one present. */
export interface NetworkdDeviceSettings extends NetworkdVxlanSettings {
  kind: NetworkdDeviceKind;
  name: string;
  owner?: number | string;
  group?: number | string;
  multiQueue: boolean;
  packetInfo: boolean;
  vnetHdr: boolean;
  mtu?: number;
  macAddress?: string;
  addresses: string[];
  bridge?: string;
  stp: boolean;
  promiscuous: boolean;
  up: boolean;
  description?: string;
  /** veth only: the peer's name and MAC, which the .netdev's [Peer] section makes along with the first end. */
  peerName?: string;
  peerMacAddress?: string;
  routes?: NetworkdRoute[];
  dhcpServer?: DhcpServerSettings;
  masquerade?: MasqueradeSettings;
  forwarding?: ForwardingSettings;
  networkdVersion?: number;
}

export interface NetworkdFilesSpec extends NetworkdDeviceSettings {
  directory: string;
  fileStem: string;
  managedBy: string;
}

/** Outputs: the settings written, where, and the exact text of both files. No key is ever undefined. */
export interface NetworkdFilesState extends NetworkdFilesSpec {
  netdevPath: string;
  networkPath: string;
  netdevContent: string;
  networkContent: string;
}

export function defaultFileStem(name: string): string {
  return `${DEFAULT_FILE_STEM_PREFIX}${name}`;
}

export function filePaths(directory: string, fileStem: string): { netdevPath: string; networkPath: string } {
  const base = `${directory === "/" ? "" : directory}/${fileStem}`;
  return { netdevPath: base + NETDEV_EXTENSION, networkPath: base + NETWORK_EXTENSION };
}

type Rule = CrossFieldRule<NetworkdFilesInputs>;

const required: Rule = (value, unknown) => {
  const reasons: Record<"kind" | "name" | "managedBy", string> = {
    kind: 'required: "tap", "tun", "bridge", "veth" or "vxlan" (the NetworkdFiles class takes it from the device)',
    name: "required: the device's interface name (the NetworkdFiles class takes it from the device)",
    managedBy: 'required: "project/stack/resource", written into each file\'s ownership marker (the NetworkdFiles class sets it)',
  };
  return (["kind", "name", "managedBy"] as const)
    .filter((key) => value[key] === undefined && !unknown.has(key))
    .map((key) => ({ property: key, reason: reasons[key] }));
};

const hostNamespaceOnly: Rule = (value) =>
  value.netns === undefined
    ? []
    : [
        {
          property: "netns",
          reason: `the device lives in network namespace ${value.netns}; systemd-networkd configures the host's own namespace only, so boot files cannot recreate it there`,
        },
      ];

/**
 * A veth pair's files make both ends in the host's namespace: networkd's [Peer] section has no namespace
 * setting (systemd.netdev(5)), so a peer placed in another namespace cannot be recreated at boot.
 */
const vethPeerAtHome: Rule = (value, unknown) => {
  if (unknown.has("kind") || value.kind === undefined) return [];
  const failures: CheckFailure[] = [];
  if (value.kind !== "veth") {
    for (const key of ["peerName", "peerMacAddress", "peerNetns"] as const) {
      if (value[key] !== undefined) failures.push({ property: key, reason: "only a veth pair has a peer" });
    }
    return failures;
  }
  if (value.peerName === undefined && !unknown.has("peerName")) failures.push({ property: "peerName", reason: "required for a veth pair: the peer's interface name (the NetworkdFiles class takes it from the pair)" });
  if (value.peerNetns !== undefined) {
    failures.push({
      property: "peerNetns",
      reason:
        `the peer lives in network namespace ${value.peerNetns}, and systemd-networkd cannot put a veth peer into another network namespace ` +
        "(its .netdev [Peer] section has no such setting): boot files would make the peer in the host's own namespace. Keep that pair out of NetworkdFiles, " +
        "or recreate the namespace's end at boot some other way",
    });
  }
  return failures;
};

/**
 * Settings another kind of device cannot have. Only known values are refused: the NetworkdFiles class maps a
 * device's outputs, and during a preview a tun's macAddress or a bridge's owner output is unknown even
 * though it will turn out absent.
 */
const settingsFitTheKind: Rule = (value, unknown) => {
  if (unknown.has("kind") || value.kind === undefined) return [];
  const failures: CheckFailure[] = [];
  const refuse = (property: string, reason: string) => failures.push({ property, reason });
  if (value.kind === "bridge" || value.kind === "veth" || value.kind === "vxlan") {
    for (const key of ["owner", "group"] as const) {
      if (value[key] !== undefined) refuse(key, `a ${value.kind} has no owner or group: only TUN/TAP devices are opened by a process`);
    }
    for (const key of ["multiQueue", "packetInfo", "vnetHdr"] as const) {
      if (value[key] === true) refuse(key, `is a TUN/TAP setting; a ${value.kind} has no queues to open`);
    }
    if (value.kind === "bridge" && value.bridge !== undefined) refuse("bridge", "a bridge cannot be a port of another bridge");
  }
  if (value.kind !== "bridge" && value.stp === true) refuse("stp", "Spanning Tree is a bridge setting");
  if (value.kind === "tun") {
    if (value.macAddress !== undefined) refuse("macAddress", "a tun device carries IP packets and has no MAC address");
    if (value.bridge !== undefined) refuse("bridge", "a tun device carries IP packets, not Ethernet frames, and cannot join a bridge");
  }
  const mtu = value.mtu === undefined || (value.kind !== "tap" && value.kind !== "tun") ? undefined : mtuProblem(value.kind, TUN_MTU_RANGE[value.kind], value.mtu);
  if (mtu !== undefined) refuse("mtu", mtu);
  if (value.kind !== "bridge" && value.bridge !== undefined && value.bridge === value.name) refuse("bridge", `${value.name} cannot be a port of itself`);
  return failures;
};

/**
 * check: validates what is known, keeps what is not (preview), fills defaults, and names the files after
 * the device when no fileStem is given ("50-tap0").
 */
export function checkNetworkdFiles(_olds: Properties, news: Properties): CheckOutcome<NetworkdFilesInputs> {
  const outcome = checkInputs(networkdFilesInputsSchema, news, [
    required,
    hostNamespaceOnly,
    settingsFitTheKind,
    vethPeerAtHome,
    ipv6NeedsMinimumMtu,
    routesLeaveByTheDevice,
    vxlanSettingsFitTheKind,
    vxlansOverTheDevice,
    ...gatewayRules,
  ]);
  const value = outcome.value;
  if (value === undefined || value.fileStem !== undefined || outcome.unknown.has("fileStem") || value.name === undefined) return outcome;
  value.fileStem = defaultFileStem(value.name);
  outcome.inputs.fileStem = value.fileStem;
  return outcome;
}

/** The checked inputs as a complete spec, or undefined while something is unknown, invalid or missing. */
export function networkdSpecOf(outcome: CheckOutcome<NetworkdFilesInputs>): NetworkdFilesSpec | undefined {
  const value = outcome.complete;
  if (value?.kind === undefined || value.name === undefined || value.fileStem === undefined || value.managedBy === undefined) return undefined;
  const spec: NetworkdFilesSpec = {
    kind: value.kind,
    name: value.name,
    multiQueue: value.multiQueue,
    packetInfo: value.packetInfo,
    vnetHdr: value.vnetHdr,
    addresses: value.addresses,
    stp: value.stp,
    promiscuous: value.promiscuous,
    up: value.up,
    directory: value.directory,
    fileStem: value.fileStem,
    managedBy: value.managedBy,
  };
  if (value.owner !== undefined) spec.owner = value.owner;
  if (value.group !== undefined) spec.group = value.group;
  if (value.mtu !== undefined) spec.mtu = value.mtu;
  if (value.macAddress !== undefined) spec.macAddress = value.macAddress;
  if (value.bridge !== undefined) spec.bridge = value.bridge;
  if (value.description !== undefined) spec.description = value.description;
  if (value.peerName !== undefined) spec.peerName = value.peerName;
  if (value.peerMacAddress !== undefined) spec.peerMacAddress = value.peerMacAddress;
  if (value.routes.length > 0) spec.routes = value.routes;
  for (const key of ["vni", "destinationPort", "local", "multicastGroup", "underlay", "learning", "ttl"] as const) {
    if (value[key] !== undefined) Object.assign(spec, { [key]: value[key] });
  }
  if (value.peers.length > 0) spec.peers = value.peers;
  if (value.vxlans.length > 0) spec.vxlans = value.vxlans;
  if (value.dhcpServer !== undefined) spec.dhcpServer = value.dhcpServer;
  if (value.masquerade !== undefined) spec.masquerade = value.masquerade;
  if (value.forwarding !== undefined) spec.forwarding = value.forwarding;
  if (value.networkdVersion !== undefined) spec.networkdVersion = value.networkdVersion;
  return spec;
}
