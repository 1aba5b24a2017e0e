import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import { linkResourceOptions } from "../../links/resourceOptions";
import { commonNetworkdSettings, type NetworkdDevice, type NetworkdSettings } from "../../links/networkd";

/** The inputs of a Vxlan. Every property may be a plain value or another resource's output. */
export interface VxlanArgs {
  /**
   * The interface name (same rules as TapInterface; "vxlan%d" lets the kernel pick). Default: derived from the
   * resource name, e.g. "lab-1a2b3c". Changing it replaces the device.
   */
  name?: pulumi.Input<string>;
  /** The VXLAN Network Identifier, 1–16777215: every host of one overlay uses the same. Replaces. */
  vni: pulumi.Input<number>;
  /** The UDP port encapsulated frames are sent to, 1–65535. Default 4789 (IANA; the kernel's own default is 8472). Replaces. */
  destinationPort?: pulumi.Input<number>;
  /**
   * The source address of encapsulated packets, without prefix: this host's underlay address. Its family is the
   * overlay's (IPv4 without one). A change within the family is made in place; to the other family, replaces.
   */
  local?: pulumi.Input<string>;
  /**
   * The device encapsulated packets leave by (`ip link add … type vxlan dev eth0`): its MTU bounds this device's.
   * The kernel deletes the VXLAN device with it; pass a resource's name output and a replacement of that
   * resource replaces this one in the same `pulumi up`. Moving to another device is in place; removing it replaces.
   */
  underlay?: pulumi.Input<string>;
  /** Learn remote MACs from received frames (the FDB then sends known MACs to one host). Default true. */
  learning?: pulumi.Input<boolean>;
  /** The TTL of encapsulated packets, 0–255; 0 lets the kernel choose (the route's hop limit). Default 0. */
  ttl?: pulumi.Input<number>;
  /** A multicast group the hosts join to flood frames (needs `underlay`); not with `peers`. */
  group?: pulumi.Input<string>;
  /**
   * The other hosts' underlay addresses: each becomes one remote of the all-zero FDB entry (`bridge fdb append
   * 00:00:00:00:00:00 dst PEER dev DEVICE`), to which broadcast and unknown unicast frames are copied. The list is
   * the device's whole flood list: a remote added by hand is removed by the next `pulumi up`, one deleted by hand is
   * added back, a change adds and removes exactly the remotes that differ. Entries of other MACs are never touched.
   */
  peers?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * MTU. Default: with an underlay, the kernel's (the underlay's less the 50-byte encapsulation, 70 over IPv6);
   * without one, 1450 (1430 over IPv6), so that encapsulated frames fit a 1500-byte underlay. Left as found when
   * unset after creation.
   */
  mtu?: pulumi.Input<number>;
  /** A fixed MAC address. Left as found when unset. */
  macAddress?: pulumi.Input<string>;
  /** Addresses on the device itself (an overlay without a bridge). Default: none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** Administratively up. Default true. */
  up?: pulumi.Input<boolean>;
  /** Transmit queue length. Left as found when unset. */
  txQueueLength?: pulumi.Input<number>;
  /** The interface alias. Left as found when unset. */
  description?: pulumi.Input<string>;
  /** A bridge for the device to join, as taps do: the lab's bridge, so that its guests reach the other hosts'. */
  bridge?: pulumi.Input<string>;
  /** Create the device in this named network namespace. Replaces. */
  netns?: pulumi.Input<string>;
  /** Take over an existing VXLAN device of this name, VNI, port and underlay family. Default false. */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A VXLAN device: a lab's Ethernet carried between hosts inside UDP, one per host, joined to the lab's bridge,
 * with the other hosts as its peers — the declared form of `ip link add … type vxlan` and `bridge fdb append`.
 */
export class Vxlan extends DynamicResource implements NetworkdDevice {
  declare readonly name: pulumi.Output<string>;
  declare readonly vni: pulumi.Output<number>;
  declare readonly destinationPort: pulumi.Output<number>;
  declare readonly local: pulumi.Output<string | undefined>;
  /** The underlay device's name, as the kernel has it bound. */
  declare readonly underlay: pulumi.Output<string | undefined>;
  declare readonly learning: pulumi.Output<boolean>;
  declare readonly ttl: pulumi.Output<number>;
  declare readonly group: pulumi.Output<string | undefined>;
  /** The remotes of the all-zero FDB entry as the kernel has them, sorted (refresh shows remotes added or lost by hand). */
  declare readonly peers: pulumi.Output<string[]>;
  declare readonly mtu: pulumi.Output<number>;
  declare readonly macAddress: pulumi.Output<string>;
  declare readonly addresses: pulumi.Output<string[]>;
  declare readonly up: pulumi.Output<boolean>;
  declare readonly txQueueLength: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly bridge: pulumi.Output<string | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  declare readonly adopt: pulumi.Output<boolean>;
  declare readonly ifindex: pulumi.Output<number>;
  declare readonly stamp: pulumi.Output<string>;
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: VxlanArgs, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "Vxlan",
        name,
        {
          name: args.name,
          vni: args.vni,
          destinationPort: args.destinationPort,
          local: args.local,
          underlay: args.underlay,
          learning: args.learning,
          ttl: args.ttl,
          group: args.group,
          peers: args.peers,
          mtu: args.mtu,
          macAddress: args.macAddress,
          addresses: args.addresses,
          up: args.up,
          txQueueLength: args.txQueueLength,
          description: args.description,
          bridge: args.bridge,
          netns: args.netns,
          adopt: args.adopt,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          ifindex: undefined,
          stamp: undefined,
        },
        linkResourceOptions(opts),
        ["name"],
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }

  /** What a NetworkdFiles resource writes of this device: a .netdev with [VXLAN], a .network with [BridgeFDB] per peer. */
  networkdSettings(): NetworkdSettings {
    return {
      ...commonNetworkdSettings(this),
      kind: "vxlan",
      macAddress: this.macAddress.apply((mac) => (mac === "" ? undefined : mac)),
      bridge: this.bridge,
      vni: this.vni,
      destinationPort: this.destinationPort,
      local: this.local,
      multicastGroup: this.group,
      underlay: this.underlay,
      learning: this.learning,
      ttl: this.ttl,
      peers: this.peers,
    };
  }
}
