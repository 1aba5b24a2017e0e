import { createHash } from "node:crypto";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { Bridge } from "../../resources/bridge/bridge";
import { Forwarding } from "../../resources/forwarding/forwarding";
import { Masquerade } from "../../resources/masquerade/masquerade";
import type { ForeignChain } from "../../resources/masquerade/forwardDrop";
import { NetworkdFiles } from "../../resources/networkdFiles/networkdFiles";
import { dnsmasqArguments, dnsmasqFiles, dnsmasqStartCommand, dnsmasqStopCommand, shellQuote } from "./dnsmasq";
import { type LabHost, type LabNetworkPlan, offsetInSubnet, planLabNetwork } from "./model";

/** The inputs of a LabNetwork: plain values, known when the program runs (they decide which children exist). */
export interface LabNetworkArgs {
  /** The bridge's name, as libvirt's `<bridge name='virbr0'/>`. Default: derived from the resource name. Replaces. */
  bridgeName?: string;
  /**
   * The gateway's IPv4 address with the lab's prefix, as libvirt's `<ip address='192.168.122.1' netmask=…>`:
   * "192.168.122.1/24". The bridge holds it; the DHCP range, the fixed leases and what is masqueraded follow from it.
   */
  address: string;
  /** A second address of the bridge, IPv6 ("fd00:122::1/64"): its prefix is masqueraded too. No DHCPv6 or RA. */
  ipv6Address?: string;
  /**
   * Let the lab out: a Masquerade of the lab's prefixes out of any device but the bridge (or out of `egressDevice`),
   * with `sourcePorts` mapped as libvirt's `<nat><port start='1024' end='65535'/></nat>`. Default true; false makes an
   * isolated network, as libvirt's without `<forward>`.
   */
  nat?: boolean | { egressDevice?: string; sourcePorts?: { start: number; end: number } };
  /**
   * IP forwarding, as a Forwarding resource: true for the global switches (libvirt's way), `{ devices }` for the
   * uplinks named and the bridge only. Default: on whenever `nat` is.
   */
  forwarding?: boolean | { devices: string[] };
  /**
   * A DHCP server on the bridge (dnsmasq, started and stopped by @pulumi/command): `range` (default: the subnet's host
   * addresses on the larger side of the gateway), `leaseTime` (dnsmasq's syntax, default "1h"), `hosts` (fixed leases
   * by the guest's MAC, as libvirt's `<host mac=… ip=… name=…/>`), `dns` ("gateway": dnsmasq answers DNS on the
   * gateway, forwarding to the host's resolvers, as libvirt; "none"; or a list of servers to hand out). Default true.
   */
  dhcp?: boolean | { range?: { start: string; end: string }; leaseTime?: string; hosts?: LabHost[]; dns?: "gateway" | "none" | string[] };
  /** Where dnsmasq's pid, lease and log files go (made if missing). Default /run/pulumi-tuntap/<project>-<stack>-<name>. */
  runDirectory?: string;
  /** Everything (bridge, table, forwarding, dnsmasq) inside this named network namespace. Replaces. */
  netns?: string;
  /**
   * The same network at boot through systemd-networkd: NetworkdFiles for the bridge with networkd's own DHCP server
   * (range, fixed leases, DNS list), IPMasquerade= and forwarding — no dnsmasq at boot. `{ directory }` where the
   * files go, default /etc/systemd/network. Default false.
   */
  atBoot?: boolean | { directory?: string };
}

/**
 * A lab's network as libvirt's default network is one: a bridge that is the lab's gateway, its traffic masqueraded
 * out of the host's uplink, forwarding on, and a DHCP server handing out addresses — fixed ones for the VMs' MACs.
 * One component (`virsh net-define` + `net-start` is one `pulumi up`; `net-destroy` is `pulumi destroy`) whose children
 * show under it in `pulumi preview`, each with its own diff, drift and ownership: a Bridge, a Masquerade, a Forwarding,
 * a `command:local:Command` running dnsmasq and, with `atBoot`, NetworkdFiles. dnsmasq starts once the bridge exists,
 * and the Masquerade and Forwarding only once it runs: a lab whose DHCP server cannot start leaves the host's ruleset
 * and forwarding switches as they were.
 *
 * Bad inputs throw LabNetworkInputError naming each property (`dhcp.hosts[1].address`) before anything is made.
 */
export class LabNetwork extends pulumi.ComponentResource {
  readonly bridge: Bridge;
  readonly masquerade?: Masquerade;
  readonly forwarding?: Forwarding;
  /** The local.Command whose create starts dnsmasq and whose delete stops it. */
  readonly dnsmasq?: command.local.Command;
  readonly bootFiles?: NetworkdFiles;
  /** The bridge's name (an output: the bridge exists once it is known). Plug taps in with `bridge: lab.bridgeName`. */
  readonly bridgeName: pulumi.Output<string>;
  /** The guests' router and, with `dns: "gateway"`, their DNS server: "192.168.122.1". */
  readonly gateway: string;
  /** "192.168.122.0/24". */
  readonly subnet: string;
  /** The prefixes masqueraded: the subnet and, with ipv6Address, its IPv6 prefix. */
  readonly sources: string[];
  readonly dhcpRange?: { start: string; end: string };
  /** Fixed leases: the address each MAC gets. */
  readonly hosts: LabHost[];
  readonly runDirectory: string;
  readonly pidFile?: string;
  readonly leasesFile?: string;
  readonly logFile?: string;
  /** dnsmasq's command line, quoted for a shell. */
  readonly dnsmasqCommand?: pulumi.Output<string>;
  /** The Masquerade's nftables table (family inet). */
  readonly masqueradeTable?: pulumi.Output<string>;
  /** Other programs' forward chains with policy drop that will drop the lab's traffic (the Masquerade warns). */
  readonly forwardDropChains: pulumi.Output<ForeignChain[]>;

  constructor(name: string, args: LabNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything registers, the component included.
    const plan = planLabNetwork(name, args, { project: pulumi.getProject(), stack: pulumi.getStack() });
    super("tuntap:index:LabNetwork", name, {}, opts);
    const child = { parent: this };
    const sources = [plan.subnet, ...(plan.ipv6Subnet === undefined ? [] : [plan.ipv6Subnet])];

    this.bridge = new Bridge(
      `${name}-bridge`,
      { name: plan.bridgeName, addresses: [plan.address, ...(plan.ipv6Address === undefined ? [] : [plan.ipv6Address])], stp: false, netns: plan.netns },
      child,
    );
    this.dnsmasq = plan.dhcp === undefined ? undefined : dnsmasqCommand(name, plan, this.bridge, this);
    // Nothing host-wide changes before the lab's own DHCP server runs.
    const after = { ...child, dependsOn: this.dnsmasq === undefined ? [] : [this.dnsmasq] };
    this.masquerade =
      plan.nat === undefined
        ? undefined
        : new Masquerade(`${name}-nat`, { sources, device: this.bridge.name, egressDevice: plan.nat.egressDevice, sourcePorts: plan.nat.sourcePorts, netns: plan.netns }, after);
    this.forwarding =
      plan.forwarding === undefined
        ? undefined
        : new Forwarding(
            `${name}-forwarding`,
            {
              ipv4: true,
              ipv6: plan.ipv6Address !== undefined,
              devices: plan.forwarding.devices === undefined ? undefined : pulumi.all([this.bridge.name, ...plan.forwarding.devices]),
              netns: plan.netns,
            },
            after,
          );
    this.bootFiles = plan.atBoot === undefined ? undefined : bootFiles(name, plan, this);

    this.bridgeName = this.bridge.name;
    this.gateway = plan.gateway;
    this.subnet = plan.subnet;
    this.sources = sources;
    this.hosts = plan.dhcp?.hosts ?? [];
    this.runDirectory = plan.runDirectory;
    if (plan.dhcp !== undefined) {
      this.dhcpRange = plan.dhcp.range;
      const files = dnsmasqFiles(plan.runDirectory);
      this.pidFile = files.pidFile;
      this.leasesFile = files.leasesFile;
      this.logFile = files.logFile;
      this.dnsmasqCommand = this.bridge.name.apply((bridgeName) => dnsmasqArguments(plan, bridgeName).map(shellQuote).join(" "));
    }
    this.masqueradeTable = this.masquerade?.table;
    this.forwardDropChains = this.masquerade?.forwardDropChains ?? pulumi.output([]);
    this.registerOutputs({
      bridgeName: this.bridgeName,
      gateway: this.gateway,
      subnet: this.subnet,
      sources: this.sources,
      dhcpRange: this.dhcpRange,
      hosts: this.hosts,
      runDirectory: this.runDirectory,
      pidFile: this.pidFile,
      leasesFile: this.leasesFile,
      logFile: this.logFile,
      dnsmasqCommand: this.dnsmasqCommand,
      masqueradeTable: this.masqueradeTable,
      forwardDropChains: this.forwardDropChains,
    });
  }
}

/**
 * dnsmasq as a resource. Any change replaces it, stopping the old one first (two cannot serve one bridge); the
 * bridge's ifindex among the triggers restarts it on a new bridge. local.Command has no read: a dnsmasq killed by
 * hand is restarted by `pulumi up --replace <its URN>`.
 */
function dnsmasqCommand(name: string, plan: LabNetworkPlan, bridge: Bridge, parent: LabNetwork): command.local.Command {
  const create = bridge.name.apply((bridgeName) => dnsmasqStartCommand(plan, bridgeName));
  const configuration = createHash("sha256").update(JSON.stringify(plan.dhcp)).digest("hex").slice(0, 16);
  return new command.local.Command(
    `${name}-dnsmasq`,
    { create, delete: dnsmasqStopCommand(plan.runDirectory), interpreter: ["/bin/sh", "-c"], triggers: [bridge.ifindex, configuration] },
    { parent, dependsOn: [bridge], deleteBeforeReplace: true, replaceOnChanges: ["*"] },
  );
}

/** The network at boot: networkd's own DHCP server for dnsmasq's, and the lab's Masquerade and Forwarding. */
function bootFiles(name: string, plan: LabNetworkPlan, lab: LabNetwork): NetworkdFiles {
  const dhcp = plan.dhcp;
  return new NetworkdFiles(
    `${name}-boot`,
    {
      device: lab.bridge,
      directory: plan.atBoot?.directory,
      ...(dhcp === undefined
        ? {}
        : {
            dhcpServer: {
              poolOffset: offsetInSubnet(plan, dhcp.range.start),
              poolSize: offsetInSubnet(plan, dhcp.range.end) - offsetInSubnet(plan, dhcp.range.start) + 1,
              // "gateway": networkd runs no DNS forwarder; it hands out the DNS servers the host itself uses. The
              // router it hands out is its own address, the gateway.
              ...(Array.isArray(dhcp.dns) ? { dns: dhcp.dns } : {}),
              staticLeases: dhcp.hosts.map(({ macAddress, address }) => ({ macAddress, address })),
            },
          }),
      ...(lab.masquerade === undefined ? {} : { masquerade: lab.masquerade }),
      ...(lab.forwarding === undefined ? {} : { forwarding: lab.forwarding }),
    },
    { parent: lab },
  );
}
