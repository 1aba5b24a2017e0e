// Static IPv4 addresses for the lab's guests when they boot a kernel directly: the bridge runs no DHCP
// server, so each guest is told its address on its kernel command line. Guest N gets the (N+1)-th address
// after the bridge's own, in the bridge's subnet, with the bridge as its gateway. Pure: no Pulumi, no I/O.
import { formatIPv4, parseCidr } from "pulumi-tuntap/model";

export interface LabGuestAddress {
  /** With the prefix: "192.168.100.2/24". */
  address: string;
  /**
   * The kernel's `ip=<client>::<gateway>:<netmask>:<hostname>::off` argument, which initramfs-tools, dracut
   * and this repository's test guest read (no device named: the first interface).
   */
  kernelIpArgument: string;
}

function dotted(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return formatIPv4(bytes);
}

/** One address per guest name, in order; throws with the reason when the bridge's subnet has no room. */
export function planGuestAddresses(bridgeAddress: string, names: readonly string[]): LabGuestAddress[] {
  const parsed = parseCidr(bridgeAddress);
  if (typeof parsed === "string" || parsed.family !== 4) {
    throw new Error(`guest addresses are planned from an IPv4 bridgeAddress, like "192.168.100.1/24"; got "${bridgeAddress}"`);
  }
  const bridge = Buffer.from(parsed.bytes).readUInt32BE(0);
  const hostBits = 32 - parsed.prefixLength;
  const mask = hostBits === 32 ? 0 : (0xffffffff << hostBits) >>> 0;
  const broadcast = ((bridge & mask) | (~mask >>> 0)) >>> 0;
  const gateway = dotted(bridge);
  return names.map((name, index) => {
    const guest = bridge + 1 + index;
    if (guest >= broadcast) {
      throw new Error(`bridgeAddress ${bridgeAddress} leaves no room for ${names.length} guest addresses after it: use a larger subnet or a lower bridge address`);
    }
    return {
      address: `${dotted(guest)}/${parsed.prefixLength}`,
      kernelIpArgument: `ip=${dotted(guest)}::${gateway}:${dotted(mask)}:${name}::off`,
    };
  });
}
