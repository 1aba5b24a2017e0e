// A tun device for a VPN daemon that runs as an ordinary user (OpenVPN/VTun style): IPv4 and IPv6 addresses,
// an MTU, and an owner, so the daemon attaches without privilege. Runs with no config:
//   name         the device (default "tun0")
//   user         the daemon's user, a name or uid (default "nobody")
//   group        the daemon's group (default: none)
//   ipv4Address  (default "10.8.0.1/24", OpenVPN's usual server subnet)
//   ipv6Address  (default "fd00:8::1/64"; set it to "" for none)
//   remoteNetworks  the networks behind the peer, routed out of the tun, comma-separated
//                   (default "10.9.0.0/24,fd00:9::/64"; set it to "" for none)
//   mtu          (default 1500; at least 1280 with IPv6)
//   netns        a named network namespace to make the device in (default: the program's own)
//   persistAtBoot      write systemd-networkd files so the device comes back at boot (default false)
//   networkdDirectory  where those go (default "/etc/systemd/network")
import * as pulumi from "@pulumi/pulumi";
import { vpnTun } from "./vpn";

const config = new pulumi.Config();
const principal = (value: string) => (/^[0-9]+$/.test(value) ? Number(value) : value);
const group = config.get("group");
const netns = config.get("netns");
const addresses = [config.get("ipv4Address") ?? "10.8.0.1/24", config.get("ipv6Address") ?? "fd00:8::1/64"].filter((address) => address !== "");
const remoteNetworks = (config.get("remoteNetworks") ?? "10.9.0.0/24,fd00:9::/64").split(",").map((network) => network.trim()).filter((network) => network !== "");

const vpn = vpnTun({
  name: config.get("name") ?? "tun0",
  user: principal(config.get("user") ?? "nobody"),
  ...(group === undefined ? {} : { group: principal(group) }),
  addresses,
  remoteNetworks,
  mtu: config.getNumber("mtu") ?? 1500,
  ...(netns === undefined ? {} : { netns }),
  persistAtBoot: config.getBoolean("persistAtBoot") ?? false,
  networkdDirectory: config.get("networkdDirectory") ?? "/etc/systemd/network",
});

export const name = vpn.tun.name;
export const owner = vpn.tun.owner;
export const addressesOnDevice = vpn.tun.addresses;
export const mtu = vpn.tun.mtu;
/** The routes out of the tun, as the kernel has them: "10.9.0.0/24 dev tun0". */
export const routes = pulumi.all(vpn.routes.map((route) => pulumi.interpolate`${route.destination} dev ${route.device}`));
/** Paste into the daemon's config: it attaches to the device instead of creating and configuring one. */
export const openvpnOptions = vpn.openvpnOptions;
export const bootFiles = vpn.bootFiles === undefined ? [] : [vpn.bootFiles.netdevPath, vpn.bootFiles.networkPath];
