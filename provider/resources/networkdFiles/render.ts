// The systemd-networkd files that recreate a device at boot: a .netdev (creates it) and a .network
// (configures it), rendered from the device's settings. Pure.
//
// Where each setting goes, and the systemd version it needs (systemd.netdev(5), systemd.network(5)):
//   .netdev [NetDev]   Name=, Kind=, Description= (211); for a bridge also MTUBytes=, MACAddress= (215)
//   .netdev [Tap]/[Tun] User=, Group=, MultiQueue=, PacketInfo= (215), VNetHeader= (223)
//   .netdev [Bridge]   STP= (232)
//   .netdev [Peer]     Name=, MACAddress= (215), for a veth pair, whose MTUBytes= and MACAddress= are in [NetDev]
//                      (networkd gives the peer the same MTUBytes=; it has no setting for the peer's namespace)
//   .network [Match]   Name= (211)
//   .network [Link]    MACAddress=, MTUBytes= (218; for tun/tap only here: networkd ignores them in a
//                      tun/tap .netdev), RequiredForOnline= (236), Promiscuous= (248), ActivationPolicy= (248)
//   .network [Network] Description=, Address=, Bridge= (211), IPv6AcceptRA= (231), ConfigureWithoutCarrier= (235)
//   .network [Route]   Destination=, Gateway=, Metric=, Table=, Scope=, PreferredSource=, Protocol= (see routes.ts)
// So the files need systemd 235; Promiscuous= and ActivationPolicy= need 248 and are written only when they
// say something (promiscuous on, administratively down), each with a comment. Older networkd logs an unknown
// key and ignores it.
//
// The first line is the ownership marker. A file is this resource's only while that line names it: files
// without it (or naming someone else) are never overwritten or deleted.
import type { NetworkdDeviceSettings } from "./model";
import { routeSections } from "./routes";

export const MARKER_PREFIX = "# Managed by pulumi-tuntap for ";

export interface RenderedNetworkdFiles {
  netdev: string;
  network: string;
}

type Line = string;

export function markerLine(managedBy: string): string {
  return MARKER_PREFIX + managedBy;
}

/** The identity named by a file's marker line, or undefined when its first line is not our marker. */
export function ownerOfFile(text: string): string | undefined {
  const firstLine = text.split("\n", 1)[0] ?? "";
  return firstLine.startsWith(MARKER_PREFIX) ? firstLine.slice(MARKER_PREFIX.length) : undefined;
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function header(managedBy: string, purpose: string): Line[] {
  return [
    markerLine(managedBy),
    "# Written by `pulumi up` and removed by `pulumi destroy`: change the Pulumi program, not this file.",
    `# ${purpose}`,
  ];
}

function section(name: string, lines: readonly Line[]): Line[] {
  return ["", `[${name}]`, ...lines];
}

function netdevFile(device: NetworkdDeviceSettings, managedBy: string): string {
  const netdev: Line[] = [`Name=${device.name}`, `Kind=${device.kind}`];
  if (device.description !== undefined) netdev.push(`Description=${device.description}`);
  const lines = header(managedBy, `Creates ${device.kind} ${device.name} at boot; its addresses and link settings are in the .network file of the same name.`);
  if (device.kind === "bridge" || device.kind === "veth") {
    if (device.mtu !== undefined) netdev.push(`MTUBytes=${device.mtu}`);
    if (device.macAddress !== undefined) netdev.push(`MACAddress=${device.macAddress}`);
  }
  if (device.kind === "bridge") return [...lines, ...section("NetDev", netdev), ...section("Bridge", [`STP=${yesNo(device.stp)}`]), ""].join("\n");
  if (device.kind === "veth") {
    const peer: Line[] = [`Name=${device.peerName ?? ""}`];
    if (device.peerMacAddress !== undefined) peer.push(`MACAddress=${device.peerMacAddress}`);
    const note = "# The peer gets MTUBytes= too; its addresses and other settings are not written (only the first end has a .network file).";
    return [...lines, ...section("NetDev", netdev), ...section("Peer", [note, ...peer]), ""].join("\n");
  }
  const tuntap: Line[] = [];
  // Numeric ids as the device has them: networkd accepts them even when no passwd entry exists.
  if (device.owner !== undefined) tuntap.push(`User=${device.owner}`);
  if (device.group !== undefined) tuntap.push(`Group=${device.group}`);
  tuntap.push(`MultiQueue=${yesNo(device.multiQueue)}`, `PacketInfo=${yesNo(device.packetInfo)}`, `VNetHeader=${yesNo(device.vnetHdr)}`);
  return [...lines, ...section("NetDev", netdev), ...section(device.kind === "tap" ? "Tap" : "Tun", tuntap), ""].join("\n");
}

function networkFile(device: NetworkdDeviceSettings, managedBy: string): string {
  const link: Line[] = [];
  if (device.kind === "tap" || device.kind === "tun") {
    // networkd ignores MTUBytes= and MACAddress= in a tun/tap .netdev; they belong here.
    if (device.macAddress !== undefined) link.push(`MACAddress=${device.macAddress}`);
    if (device.mtu !== undefined) link.push(`MTUBytes=${device.mtu}`);
  }
  if (device.promiscuous) link.push("# Promiscuous= needs systemd 248 or later.", "Promiscuous=yes");
  if (!device.up) link.push("# ActivationPolicy= needs systemd 248 or later; older versions bring the link up.", "ActivationPolicy=down");
  // A tap has no carrier until a VM opens it, nor a bridge whose ports are all such taps: waiting for them
  // would hold up network-online.target for nothing.
  link.push("RequiredForOnline=no");

  const network: Line[] = [];
  if (device.description !== undefined) network.push(`Description=${device.description}`);
  for (const address of device.addresses) network.push(`Address=${address}`);
  if (device.bridge !== undefined) network.push(`Bridge=${device.bridge}`);
  network.push(
    "# Without carrier (no VM or VPN daemon attached yet) networkd would not configure the link at all.",
    "ConfigureWithoutCarrier=yes",
    "# Static settings only: nothing learned from router advertisements sent by a guest.",
    "IPv6AcceptRA=no",
  );
  const lines = header(managedBy, `Configures ${device.kind} ${device.name}, created at boot by the .netdev file of the same name.`);
  return [...lines, ...section("Match", [`Name=${device.name}`]), ...section("Link", link), ...section("Network", network), ...routeSections(device.routes ?? []), ""].join("\n");
}

export function renderNetworkdFiles(device: NetworkdDeviceSettings, managedBy: string): RenderedNetworkdFiles {
  return { netdev: netdevFile(device, managedBy), network: networkFile(device, managedBy) };
}
