// Confirms, with `ip -j` and independently of our provider, that a stack made or removed its devices: after
// `pulumi up` every device is a tap owned by its uid, at its MTU, up, with its address; after `pulumi destroy`
// none is left. A stack that reported success without doing the work would otherwise be timed as fast.
import { spawnSync } from "node:child_process";
import type { BenchDevice } from "../workload";

interface IpLink {
  ifname: string;
  mtu: number;
  flags: string[];
  linkinfo?: { info_kind?: string; info_data?: { type?: string; user?: string } };
  addr_info?: { local: string; prefixlen: number }[];
}

function ipLinks(): IpLink[] {
  const result = spawnSync("ip", ["-j", "-d", "addr", "show"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`ip -j -d addr show failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as IpLink[];
}

/** `ip` prints a tap's owner by name when the uid has one. */
function ownerNames(uid: number): string[] {
  const entry = spawnSync("getent", ["passwd", String(uid)], { encoding: "utf8" }).stdout.split(":")[0];
  return entry === undefined || entry === "" ? [String(uid)] : [String(uid), entry.trim()];
}

function problem(device: BenchDevice, link: IpLink | undefined, owners: readonly string[]): string | undefined {
  if (link === undefined) return "missing";
  const info = link.linkinfo;
  if (info?.info_kind !== "tun" || info.info_data?.type !== "tap") return `not a tap (${JSON.stringify(info)})`;
  if (!owners.includes(info.info_data.user ?? "")) return `owner ${info.info_data.user}`;
  if (link.mtu !== device.mtu) return `mtu ${link.mtu}`;
  if (!link.flags.includes("UP")) return "not up";
  const addresses = (link.addr_info ?? []).map((address) => `${address.local}/${address.prefixlen}`);
  if (!addresses.includes(device.address)) return `addresses ${addresses.join(", ") || "none"}`;
  return undefined;
}

export function checkDevices(stack: string, devices: readonly BenchDevice[], present: boolean): void {
  const byName = new Map(ipLinks().map((link) => [link.ifname, link]));
  const owners = new Map<number, string[]>();
  for (const device of devices) {
    const link = byName.get(device.name);
    if (!owners.has(device.owner)) owners.set(device.owner, ownerNames(device.owner));
    const wrong = present ? problem(device, link, owners.get(device.owner) ?? []) : link === undefined ? undefined : "still exists";
    if (wrong !== undefined) throw new Error(`${stack}: after ${present ? "up" : "destroy"}, ${device.name} ${wrong}`);
  }
}
