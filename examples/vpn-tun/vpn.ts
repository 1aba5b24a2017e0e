// A tun device made ready for a VPN daemon that runs as an ordinary user (OpenVPN, VTun and the like): the
// device exists, persists, carries its IPv4 and IPv6 addresses and MTU, and belongs to that user, so the
// daemon only attaches to it and needs neither root nor CAP_NET_ADMIN.
import * as pulumi from "@pulumi/pulumi";
import { NetworkdFiles, Route, TapInterface } from "pulumi-tuntap";

export interface VpnTunSettings {
  name: string;
  /** The daemon's user (name or uid). */
  user: string | number;
  /** Optional: the daemon's group. Kernels older than a December 2024 fix require a process to match both owner and group when both are set. */
  group?: string | number;
  addresses: string[];
  /** The networks behind the peer (prefixes of either family): each gets a route out of the tun. */
  remoteNetworks: string[];
  mtu: number;
  /** A named network namespace (`ip netns add NAME`) to make the device in; unset: the program's own. */
  netns?: string;
  persistAtBoot: boolean;
  networkdDirectory: string;
}

export interface VpnTun {
  tun: TapInterface;
  /** One route per remote network, out of the tun. */
  routes: Route[];
  bootFiles?: NetworkdFiles;
  /** OpenVPN options for a daemon that attaches to this device instead of configuring one. */
  openvpnOptions: pulumi.Output<string>;
}

/**
 * The device lines of an OpenVPN config for a pre-made tun: attach to it by name, keep it across restarts,
 * and leave addresses and routes alone (they are already set, and an unprivileged daemon could not set them).
 */
export function openvpnDeviceOptions(name: string, mtu: number): string {
  return [`dev ${name}`, "dev-type tun", `tun-mtu ${mtu}`, "persist-tun", "ifconfig-noexec", "route-noexec"].join("\n");
}

export function vpnTun(settings: VpnTunSettings): VpnTun {
  const tun = new TapInterface("vpn", {
    name: settings.name,
    mode: "tun",
    owner: settings.user,
    ...(settings.group === undefined ? {} : { group: settings.group }),
    addresses: settings.addresses,
    mtu: settings.mtu,
    ...(settings.netns === undefined ? {} : { netns: settings.netns }),
    // OpenVPN and VTun open the device without the packet-information header; so does the device itself.
    packetInfo: false,
  });
  // The tun carries IP packets to one peer: a route out of it needs no gateway. Naming the tun by its `name`
  // output makes Pulumi create the tun first and delete it last.
  const routes = settings.remoteNetworks.map(
    (destination) => new Route(`vpn-to-${destination.replace("/", "-")}`, { destination, device: tun.name, ...(settings.netns === undefined ? {} : { netns: settings.netns }) }),
  );
  const openvpnOptions = pulumi.all([tun.name, tun.mtu]).apply(([name, mtu]) => openvpnDeviceOptions(name, mtu));
  if (!settings.persistAtBoot) return { tun, routes, openvpnOptions };
  return { tun, routes, openvpnOptions, bootFiles: new NetworkdFiles("vpn-boot", { device: tun, directory: settings.networkdDirectory }) };
}
