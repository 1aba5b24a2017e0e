// The address plan of Firecracker's network setup guide, for N microVMs: each gets its own tap and its own
// /30 carved from one base IPv4 block, the host side at .1 and the guest at .2 of that /30 (.0 is the
// network, .3 the broadcast). So guests cannot reach each other except through the host's routing, and
// each guest's settings follow from its index alone. Pure: no Pulumi, no I/O.
import { parseCidr } from "pulumi-tuntap/model";

export interface MicroVmAddresses {
  index: number;
  /** The host-side tap, e.g. "fc-tap0". */
  tapName: string;
  /** On the tap, with the prefix: "172.16.0.1/30". */
  hostAddress: string;
  /** The guest's eth0, with the prefix: "172.16.0.2/30". */
  guestAddress: string;
  /** The guest's default gateway: the host side. */
  gateway: string;
  netmask: string;
  /**
   * The guest's MAC, "06:00:" followed by its IPv4 address in hex, as the Firecracker guide writes it
   * (06 is a locally administered unicast prefix; some guest images derive their IP from it).
   */
  guestMac: string;
  /** The kernel's `ip=` boot argument that configures eth0 without any guest tooling. */
  kernelIpArgument: string;
}

const SUBNET_PREFIX = 30;
const NETMASK = "255.255.255.252";

function toNumber(bytes: Uint8Array): number {
  return (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
}

function toDotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

function toMac(value: number): string {
  return ["06", "00", ...[24, 16, 8, 0].map((shift) => ((value >>> shift) & 0xff).toString(16).padStart(2, "0"))].join(":");
}

/** How many /30s fit in a block of this prefix length. */
export function capacityOf(prefixLength: number): number {
  return prefixLength > SUBNET_PREFIX ? 0 : 2 ** (SUBNET_PREFIX - prefixLength);
}

/**
 * One /30 per microVM from `baseCidr` (an IPv4 network such as "172.16.0.0/24", which holds 64). Throws with
 * the reason when the block is not IPv4, not a network address, or too small for `count`.
 */
export function planMicroVmAddresses(baseCidr: string, count: number, tapPrefix: string): MicroVmAddresses[] {
  const parsed = parseCidr(baseCidr);
  if (typeof parsed === "string" || parsed.family !== 4) throw new Error(`baseCidr "${baseCidr}" is not an IPv4 block like "172.16.0.0/24"`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a whole number of at least 1, got ${count}`);
  const base = toNumber(parsed.bytes);
  const hostBits = 32 - parsed.prefixLength;
  const offset = hostBits === 32 ? base : base % 2 ** hostBits;
  if (offset !== 0) throw new Error(`baseCidr "${baseCidr}" is not a network address: write ${toDotted(base - offset)}/${parsed.prefixLength}`);
  const capacity = capacityOf(parsed.prefixLength);
  if (count > capacity) throw new Error(`baseCidr "${baseCidr}" holds ${capacity} /30 subnets, not ${count}; use a larger block`);
  return Array.from({ length: count }, (_, index) => {
    const network = base + index * 4;
    const host = toDotted(network + 1);
    const guest = toDotted(network + 2);
    return {
      index,
      tapName: `${tapPrefix}${index}`,
      hostAddress: `${host}/${SUBNET_PREFIX}`,
      guestAddress: `${guest}/${SUBNET_PREFIX}`,
      gateway: host,
      netmask: NETMASK,
      guestMac: toMac(network + 2),
      kernelIpArgument: `ip=${guest}::${host}:${NETMASK}::eth0:off`,
    };
  });
}
