// Reading systemd-networkd files back: the device settings that render.ts writes. Pure.
//
// Conventions: parsers take the file's text and never throw; a setting the renderer would not write (or a
// value that does not parse) is simply not reported, and check decides what the result is worth.
import { lastValueOf, parseBoolean, parseIni, valuesOf } from "./ini";
import type { NetworkdDeviceSettings } from "./model";
import { routesFromSections } from "./routes";

function parseWholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^[0-9]{1,10}$/.test(text) ? Number(text) : undefined;
}

/** A user or group as written: numeric ids become numbers again, names stay names. */
function parsePrincipal(text: string | undefined): number | string | undefined {
  if (text === undefined || text === "") return undefined;
  return parseWholeNumber(text) ?? text;
}

/** The device settings two files describe, as far as they describe them. */
export function settingsFromNetworkdFiles(netdevText: string, networkText: string): Partial<NetworkdDeviceSettings> {
  const netdev = parseIni(netdevText);
  const network = parseIni(networkText);
  const settings: Partial<NetworkdDeviceSettings> = {};
  const set = <K extends keyof NetworkdDeviceSettings>(key: K, value: NetworkdDeviceSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  const kind = lastValueOf(netdev, "NetDev", "Kind");
  if (kind === "tap" || kind === "tun" || kind === "bridge" || kind === "veth") settings.kind = kind;
  set("name", lastValueOf(netdev, "NetDev", "Name"));
  set("description", lastValueOf(netdev, "NetDev", "Description"));
  const tuntap = kind === "tun" ? "Tun" : "Tap";
  set("owner", parsePrincipal(lastValueOf(netdev, tuntap, "User")));
  set("group", parsePrincipal(lastValueOf(netdev, tuntap, "Group")));
  set("multiQueue", parseBoolean(lastValueOf(netdev, tuntap, "MultiQueue")) ?? false);
  set("packetInfo", parseBoolean(lastValueOf(netdev, tuntap, "PacketInfo")) ?? false);
  set("vnetHdr", parseBoolean(lastValueOf(netdev, tuntap, "VNetHeader")) ?? false);
  set("stp", parseBoolean(lastValueOf(netdev, "Bridge", "STP")) ?? false);
  // A bridge's and a veth pair's MTU and MAC are in its .netdev, a tun/tap's in the .network (see render.ts).
  const linkPlace = kind === "bridge" || kind === "veth" ? { sections: netdev, name: "NetDev" } : { sections: network, name: "Link" };
  set("mtu", parseWholeNumber(lastValueOf(linkPlace.sections, linkPlace.name, "MTUBytes")));
  set("macAddress", lastValueOf(linkPlace.sections, linkPlace.name, "MACAddress"));
  set("promiscuous", parseBoolean(lastValueOf(network, "Link", "Promiscuous")) ?? false);
  const activation = lastValueOf(network, "Link", "ActivationPolicy");
  set("up", activation !== "down" && activation !== "always-down");
  set("addresses", valuesOf(network, "Network", "Address"));
  set("bridge", lastValueOf(network, "Network", "Bridge"));
  set("peerName", lastValueOf(netdev, "Peer", "Name"));
  set("peerMacAddress", lastValueOf(netdev, "Peer", "MACAddress"));
  const routes = settings.name === undefined ? [] : routesFromSections(network, settings.name);
  if (routes.length > 0) settings.routes = routes;
  return settings;
}
