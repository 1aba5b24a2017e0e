// A VXLAN device in its systemd-networkd files (systemd.netdev(5) [VXLAN], systemd.network(5) [BridgeFDB] and
// VXLAN=), written from a Vxlan resource's outputs and read back. Pure.
//
// - The .netdev's [VXLAN]: VNI=, Local=, Group=, DestinationPort= (always: unset, networkd leaves the kernel's
//   8472), MacLearning=, TTL= (when not 0, the kernel's choice), UDPChecksum=yes (networkd otherwise turns
//   checksums off, where the kernel's default and ours keep them on).
// - Over an underlay device, networkd makes the VXLAN device only when the underlay's .network names it
//   (`VXLAN=vx0` in [Network]): the underlay's NetworkdFiles carries it (its `vxlans`), or, for a NIC whose
//   .network is yours, a line you add there. Without one: Independent=yes (systemd 247).
// - Each peer: a [BridgeFDB] section of the .network, MACAddress=00:00:00:00:00:00 and Destination= (systemd 243),
//   which networkd sends as `bridge fdb append` does (RTM_NEWNEIGH, NLM_F_APPEND, NTF_SELF). networkd takes at most
//   1024 per .network file (STATIC_BRIDGE_FDB_ENTRIES_PER_NETWORK_MAX).
import { z } from "zod";
import type { CrossFieldRule } from "../../model/check";
import type { CheckFailure } from "../../model/failures";
import * as fields from "../../model/fields";
import { MAX_VNI } from "../vxlan/model";
import { underlayAddress } from "../vxlan/schema";
import { lastValueOf, parseBoolean, valuesOf, type IniSection } from "./ini";

/** networkd's limit on [BridgeFDB] sections in one .network file. */
export const MAX_BRIDGE_FDB_ENTRIES = 1024;

const ALL_ZERO_MAC = "00:00:00:00:00:00";

/** A VXLAN device over this link: the .network's VXLAN= makes networkd create it. */
export const carriedVxlan = z.strictObject({ name: fields.interfaceName({ allowTemplate: false }), underlay: z.string().optional() });

/** The inputs only a VXLAN device's files have (the NetworkdFiles class takes them from the Vxlan's outputs). */
export const vxlanFields = {
  vni: z.number().int().min(1).max(MAX_VNI).optional(),
  destinationPort: z.number().int().min(1).max(65535).optional(),
  local: underlayAddress("local").optional(),
  /** The Vxlan's `group` (here apart from a tap's group, its owner). */
  multicastGroup: underlayAddress("group").optional(),
  underlay: fields.interfaceName({ allowTemplate: false }).optional(),
  learning: z.boolean().optional(),
  ttl: z.number().int().min(0).max(255).optional(),
  peers: z
    .array(underlayAddress("peer"))
    .superRefine((peers, ctx) => {
      if (peers.length > MAX_BRIDGE_FDB_ENTRIES) {
        ctx.addIssue({ code: "custom", message: `systemd-networkd reads at most ${MAX_BRIDGE_FDB_ENTRIES} [BridgeFDB] sections per .network file, got ${peers.length} peers` });
      }
    })
    .default([]),
  /** VXLAN devices made over this link (their underlay): a VXLAN= line each. */
  vxlans: z.array(carriedVxlan).default([]),
};

/** What the files of a VXLAN device say of it, beyond what every device's say. */
export interface NetworkdVxlanSettings {
  vni?: number;
  destinationPort?: number;
  local?: string;
  multicastGroup?: string;
  underlay?: string;
  learning?: boolean;
  ttl?: number;
  peers?: string[];
  /** Names of the VXLAN devices this link carries. */
  vxlans?: { name: string; underlay?: string | undefined }[];
}

type VxlanRuleInputs = NetworkdVxlanSettings & { kind?: string | undefined; name?: string | undefined };

const VXLAN_ONLY = ["vni", "destinationPort", "local", "multicastGroup", "underlay", "learning", "ttl"] as const;

/** A VXLAN device needs its VNI; no other kind has VXLAN settings or peers. */
export const vxlanSettingsFitTheKind: CrossFieldRule<VxlanRuleInputs> = (value, unknown) => {
  if (unknown.has("kind") || value.kind === undefined) return [];
  const failures: CheckFailure[] = [];
  if (value.kind === "vxlan") {
    if (value.vni === undefined && !unknown.has("vni")) failures.push({ property: "vni", reason: "required for a VXLAN device (the NetworkdFiles class takes it from the Vxlan)" });
    return failures;
  }
  for (const key of VXLAN_ONLY) if (value[key] !== undefined) failures.push({ property: key, reason: "only a VXLAN device has it" });
  if ((value.peers ?? []).length > 0) failures.push({ property: "peers", reason: "only a VXLAN device floods to peers" });
  return failures;
};

/** A VXLAN device named in VXLAN= must be made over this very link. */
export const vxlansOverTheDevice: CrossFieldRule<VxlanRuleInputs> = (value, unknown) => {
  if (value.name === undefined || unknown.has("name") || unknown.has("vxlans")) return [];
  return (value.vxlans ?? []).flatMap((vxlan, index) =>
    vxlan.underlay === value.name
      ? []
      : [
          {
            property: `vxlans[${index}]`,
            reason:
              vxlan.underlay === undefined
                ? `${vxlan.name} has no underlay device: its own files make it (Independent=yes), no VXLAN= line is needed`
                : `${vxlan.name} is made over ${vxlan.underlay}, not ${value.name}: give it to ${vxlan.underlay}'s NetworkdFiles`,
          },
        ],
  );
};

/** The .netdev's [VXLAN] section. */
export function vxlanSection(device: NetworkdVxlanSettings): string[] {
  const lines = [`VNI=${device.vni ?? ""}`];
  if (device.local !== undefined) lines.push(`Local=${device.local}`);
  if (device.multicastGroup !== undefined) lines.push(`Group=${device.multicastGroup}`);
  lines.push(`DestinationPort=${device.destinationPort ?? 4789}`, `MacLearning=${device.learning === false ? "no" : "yes"}`);
  if ((device.ttl ?? 0) !== 0) lines.push(`TTL=${device.ttl}`);
  lines.push("# networkd turns UDP checksums off unless told; the device had them on.", "UDPChecksum=yes");
  if (device.underlay === undefined) lines.push("# No underlay device: made on its own (Independent= needs systemd 247 or later).", "Independent=yes");
  else lines.push(`# Made when ${device.underlay}'s .network file says VXLAN=, as its NetworkdFiles writes it with this device in vxlans.`);
  return ["", "[VXLAN]", ...lines];
}

/** The .network's [BridgeFDB] sections: one all-zero remote per peer. */
export function bridgeFdbSections(peers: readonly string[]): string[] {
  return peers.flatMap((peer) => ["", "[BridgeFDB]", `MACAddress=${ALL_ZERO_MAC}`, `Destination=${peer}`]);
}

/** What the files say of a VXLAN device (and of the VXLAN devices a link carries), as far as they say it. */
export function vxlanSettingsFromSections(netdev: readonly IniSection[], network: readonly IniSection[], name: string | undefined): NetworkdVxlanSettings {
  const settings: NetworkdVxlanSettings = {};
  const number = (text: string | undefined) => (text !== undefined && /^[0-9]{1,8}$/.test(text) ? Number(text) : undefined);
  const assign = <K extends keyof NetworkdVxlanSettings>(key: K, value: NetworkdVxlanSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  if (netdev.some((section) => section.name === "VXLAN")) {
    assign("vni", number(lastValueOf(netdev, "VXLAN", "VNI")));
    assign("local", lastValueOf(netdev, "VXLAN", "Local"));
    assign("multicastGroup", lastValueOf(netdev, "VXLAN", "Group"));
    assign("destinationPort", number(lastValueOf(netdev, "VXLAN", "DestinationPort")));
    assign("learning", parseBoolean(lastValueOf(netdev, "VXLAN", "MacLearning")) ?? true);
    assign("ttl", number(lastValueOf(netdev, "VXLAN", "TTL")) ?? 0);
  }
  const peers = network
    .filter((section) => section.name === "BridgeFDB")
    .map((section) => new Map(section.entries))
    .filter((entries) => entries.get("MACAddress") === ALL_ZERO_MAC && entries.get("Destination") !== undefined)
    .map((entries) => entries.get("Destination") ?? "");
  if (peers.length > 0) settings.peers = peers;
  const carried = valuesOf(network, "Network", "VXLAN");
  if (carried.length > 0) settings.vxlans = carried.map((vxlan) => (name === undefined ? { name: vxlan } : { name: vxlan, underlay: name }));
  return settings;
}
