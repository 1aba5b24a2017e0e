// The lab's plan and its resources: a bridge holding the gateway address, and per namespace a NetworkNamespace,
// a VethPair whose first end is a port of the bridge and whose peer (eth0) lives in the namespace with its
// address, and a default Route there via the bridge's address. Pulumi orders everything from the outputs
// passed along: namespace, then pair, then route; destroy runs the other way.
import { Bridge, NetworkNamespace, Route, VethPair } from "pulumi-tuntap";

export interface NetnsLabOptions {
  /** Prefix of every name: namespaces "<prefix>-a", host ends "<prefix>-a0", the bridge "<prefix>br". */
  prefix: string;
  /** Namespaces to make, by suffix: ["a", "b"]. */
  members: readonly string[];
  /** The lab subnet's first three octets of IPv4, e.g. "10.20.0": the bridge is .1, members .2, .3, … */
  subnetPrefix: string;
  mtu: number;
}

export interface LabMember {
  namespace: NetworkNamespace;
  pair: VethPair;
  defaultRoute: Route;
  address: string;
}

export interface NetnsLab {
  bridge: Bridge;
  gateway: string;
  members: LabMember[];
}

/** Interface names are at most 15 bytes (IFNAMSIZ - 1): a prefix longer than 10 leaves no room for "br" or "-a0". */
export const MAX_PREFIX_LENGTH = 10;

export function netnsLab(options: NetnsLabOptions): NetnsLab {
  if (!/^[a-z][a-z0-9]*$/.test(options.prefix) || options.prefix.length > MAX_PREFIX_LENGTH) {
    throw new Error(`prefix "${options.prefix}": lower-case letters and digits, starting with a letter, at most ${MAX_PREFIX_LENGTH} characters`);
  }
  if (!/^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){2}$/.test(options.subnetPrefix)) {
    throw new Error(`subnet "${options.subnetPrefix}": the lab's /24 as its first three octets, e.g. "10.20.0"`);
  }
  const gateway = `${options.subnetPrefix}.1`;
  const bridge = new Bridge("bridge", { name: `${options.prefix}br`, addresses: [`${gateway}/24`], mtu: options.mtu, up: true });
  const members = options.members.map((suffix, index): LabMember => {
    const address = `${options.subnetPrefix}.${index + 2}`;
    const namespace = new NetworkNamespace(`ns-${suffix}`, { name: `${options.prefix}-${suffix}` });
    const pair = new VethPair(`veth-${suffix}`, {
      name: `${options.prefix}-${suffix}0`,
      bridge: bridge.name,
      mtu: options.mtu,
      up: true,
      peer: { name: "eth0", netns: namespace.name, addresses: [`${address}/24`], mtu: options.mtu, up: true },
    });
    const defaultRoute = new Route(`default-${suffix}`, {
      destination: "default",
      gateway,
      device: pair.peer.apply((peer) => peer.name),
      netns: namespace.name,
    });
    return { namespace, pair, defaultRoute, address };
  });
  return { bridge, gateway, members };
}
