// The independent observer of FDB entries: `bridge -j fdb show` from iproute2, parsed.
import { execFileSync } from "node:child_process";

/** An entry as `bridge -j fdb show` prints it. */
export interface BridgeFdbEntry {
  mac: string;
  dst?: string;
  port?: number;
  vni?: number;
  via?: string;
  flags: string[];
  master?: string;
  state?: string;
}

/** Runs `bridge` with arguments (inside a named namespace when given) and returns stdout. */
export function bridgeCommand(args: string[], netns?: string): string {
  const command = netns === undefined ? ["bridge", ...args] : ["ip", "netns", "exec", netns, "bridge", ...args];
  return execFileSync(command[0] ?? "bridge", command.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The device's own entries (`self`), as iproute2 reads them. */
export function fdbEntries(device: string, netns?: string): BridgeFdbEntry[] {
  const text = bridgeCommand(["-j", "fdb", "show", "dev", device, "self"], netns).trim();
  return (text === "" ? [] : JSON.parse(text)) as BridgeFdbEntry[];
}

/** The destinations of the device's all-zero entry — its peers — sorted, as iproute2 prints them. */
export function floodDestinations(device: string, netns?: string): string[] {
  return fdbEntries(device, netns)
    .filter((entry) => entry.mac === "00:00:00:00:00:00" && entry.dst !== undefined)
    .map((entry) => entry.dst ?? "")
    .sort();
}
