// How a message names a device: by what it is, in words a user of `ip` recognises.
import type { Link } from "../kernel";

/** "a tap device", "a bridge", "a veth device"… (lo and physical interfaces report no kind). */
export function describeDevice(link: Link): string {
  if (link.tun !== undefined) return `a ${link.tun.type} device`;
  if (link.kind === "bridge") return "a bridge";
  if (link.kind !== undefined) return `a ${link.kind} device`;
  return "a network device";
}
