// The lab's inventory, checked and planned: every host with its underlay address, the NIC that address is on and
// its slot, and from the slot its share of the lab subnet — the address of its lab bridge and those of its guests.
// Pure: no Pulumi, no I/O, so that a test can check the plan for more cases than a run shows.
//
// A host keeps its slot, and so its addresses, whatever happens to the others: adding a host or taking one out
// never renumbers the rest (a slot is declared, not a position in the list).

export interface InventoryHost {
  /** The host's name: its stack's name too. */
  name: string;
  /** Its address on the underlay network (IPv4 or IPv6, the same family for every host): its VXLAN device's local address. */
  underlay: string;
  /** The device that address is on. Default "eth0". */
  device?: string;
  /** Which share of the lab subnet is its own: 0, 1, 2… */
  slot: number;
}

export interface LabSettings {
  hosts: InventoryHost[];
  vni: number;
  destinationPort: number;
  /** An IPv4 subnet for the guests of every host, e.g. "10.77.0.0/24": one Ethernet segment across the hosts. */
  labSubnet: string;
  /** Addresses per host (a power of two, at least 4): its bridge's and its guests'. */
  shareSize: number;
}

export interface PlannedHost {
  name: string;
  underlay: string;
  device: string;
  slot: number;
  /** The host's block of the lab subnet, e.g. "10.77.0.16/28". */
  share: string;
  /** Its lab bridge's address, the first usable of its share, with the lab's prefix: "10.77.0.17/24". */
  bridgeAddress: string;
  /** The addresses its guests take, in order, with the lab's prefix. */
  guestAddresses: string[];
}

export interface LabPlan {
  vni: number;
  destinationPort: number;
  labSubnet: string;
  hosts: PlannedHost[];
}

/** Three hosts on 192.0.2.0/24, the addresses a fresh lab (and its tests) use. */
export const DEFAULT_HOSTS: InventoryHost[] = [
  { name: "a", underlay: "192.0.2.11", slot: 1 },
  { name: "b", underlay: "192.0.2.12", slot: 2 },
  { name: "c", underlay: "192.0.2.13", slot: 3 },
];

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function familyOf(address: string): 4 | 6 | undefined {
  if (ipv4ToNumber(address) !== undefined) return 4;
  return /^[0-9a-fA-F:]+$/.test(address) && address.includes(":") ? 6 : undefined;
}

/** The plan, or an Error listing every problem of the inventory at once. */
export function planInventory(settings: LabSettings): LabPlan {
  const problems: string[] = [];
  const [network, prefixText] = settings.labSubnet.split("/");
  const base = ipv4ToNumber(network ?? "");
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30 || base % size !== 0) {
    problems.push(`labSubnet ${settings.labSubnet} is not an IPv4 subnet like 10.77.0.0/24 (no host bits set, /8 to /30)`);
  }
  const share = settings.shareSize;
  if (!Number.isInteger(Math.log2(share)) || share < 4 || share > size) problems.push(`shareSize ${share} is not a power of two from 4 to the subnet's ${size} addresses`);
  if (!Number.isInteger(settings.vni) || settings.vni < 1 || settings.vni > 16777215) problems.push(`vni ${settings.vni} is not from 1 to 16777215`);
  if (settings.hosts.length === 0) problems.push("hosts is empty: list at least one host");
  const seen = { name: new Set<string>(), underlay: new Set<string>(), slot: new Set<number>() };
  const families = new Set<number>();
  for (const host of settings.hosts) {
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(host.name)) problems.push(`host name "${host.name}" is not a stack name (letters, digits, "_", ".", "-")`);
    const family = familyOf(host.underlay);
    if (family === undefined) problems.push(`host ${host.name}: underlay "${host.underlay}" is not an IPv4 or IPv6 address`);
    else families.add(family);
    if (!Number.isInteger(host.slot) || host.slot < 0 || host.slot >= size / share) problems.push(`host ${host.name}: slot ${host.slot} is not from 0 to ${size / share - 1}`);
    for (const [key, value] of [
      ["name", host.name],
      ["underlay", host.underlay],
      ["slot", host.slot],
    ] as const) {
      const set = seen[key] as Set<string | number>;
      if (set.has(value)) problems.push(`${key} ${value} is listed twice`);
      set.add(value);
    }
  }
  if (families.size > 1) problems.push("the underlay addresses mix IPv4 and IPv6: a VXLAN device sends over one family");
  if (problems.length > 0 || base === undefined) throw new Error(`the inventory has problems:\n  - ${problems.join("\n  - ")}`);

  const hosts = settings.hosts.map((host): PlannedHost => {
    const first = base + host.slot * share;
    // Each share's first and last addresses stay unused, as if it were a subnet of its own: the subnet's network
    // and broadcast addresses are never handed out, and a host's addresses read alike in every share (.17, .33…).
    const usable = Array.from({ length: share - 2 }, (_, offset) => first + 1 + offset);
    const [bridge, ...guests] = usable.map((address) => `${numberToIpv4(address)}/${prefix}`);
    return {
      name: host.name,
      underlay: host.underlay,
      device: host.device ?? "eth0",
      slot: host.slot,
      share: `${numberToIpv4(first)}/${32 - Math.log2(share)}`,
      bridgeAddress: bridge ?? "",
      guestAddresses: guests,
    };
  });
  return { vni: settings.vni, destinationPort: settings.destinationPort, labSubnet: settings.labSubnet, hosts };
}
