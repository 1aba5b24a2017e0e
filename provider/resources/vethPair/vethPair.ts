import * as pulumi from "@pulumi/pulumi";
import { linkResourceOptions } from "../../links/resourceOptions";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import { commonNetworkdSettings, type NetworkdDevice, type NetworkdSettings } from "../../links/networkd";
import type { VethEndState } from "./model";

/** The settings of one end of a veth pair. */
export interface VethEndArgs {
  /** MTU (68–65535). Left as found when unset (the kernel's 1500). */
  mtu?: pulumi.Input<number>;
  /** A fixed MAC address, unicast. Unset: the kernel's random one, left as found. */
  macAddress?: pulumi.Input<string>;
  /** IPv4 and IPv6 addresses with prefix, e.g. ["10.0.0.1/24"]. Default: none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Administratively up. Default true. The kernel reports a veth end operationally down (no carrier) until
   * both ends are up.
   */
  up?: pulumi.Input<boolean>;
  /** Transmit queue length. Left as found when unset. */
  txQueueLength?: pulumi.Input<number>;
  /** The interface alias, at most 255 bytes. Left as found when unset. */
  description?: pulumi.Input<string>;
  /**
   * The name of a bridge for this end to join; it must be in this end's network namespace. Changing it moves
   * the port; unset leaves any bridge.
   */
  bridge?: pulumi.Input<string>;
}

/** The peer end: its own name and namespace, and the settings every end has. */
export interface VethPeerArgs extends VethEndArgs {
  /**
   * The peer's name (no `%d` template). Default: derived from the resource name and a hash of the project, stack
   * and resource name, like the first end's. Changing it renames the peer in place.
   */
  name?: pulumi.Input<string>;
  /**
   * Make the peer in this named network namespace (/run/netns/NAME: `ip netns add`, or a NetworkNamespace
   * resource's `name` output). Default: the first end's namespace. Replaces the pair. Deleting that namespace
   * destroys the peer, and with it the pair.
   */
  netns?: pulumi.Input<string>;
}

/** The inputs of a VethPair: the first end's settings at the top, the peer's under `peer`. */
export interface VethPairArgs extends VethEndArgs {
  /**
   * The first end's name (same rules as TapInterface; "veth%d" lets the kernel pick). Default: derived from the
   * resource name, e.g. "lab-1a2b3c". Changing it replaces the pair.
   */
  name?: pulumi.Input<string>;
  /** Make the first end in this named network namespace. Replaces the pair. */
  netns?: pulumi.Input<string>;
  peer?: pulumi.Input<VethPeerArgs>;
  /**
   * Take over an existing veth pair whose first end has this name and whose peer is the declared one (its name,
   * in its namespace) instead of refusing the name. Its settings are then brought to these inputs, and
   * `pulumi destroy` deletes it. When no such pair exists, one is created. Default false.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A Linux veth pair, both ends owned by one resource: the declared form of `ip link add A type veth peer name B
 * netns N` + `ip link set` + `ip addr add` on each end. Deleting it deletes both ends.
 */
export class VethPair extends DynamicResource implements NetworkdDevice {
  declare readonly name: pulumi.Output<string>;
  declare readonly mtu: pulumi.Output<number>;
  declare readonly macAddress: pulumi.Output<string>;
  declare readonly addresses: pulumi.Output<string[]>;
  declare readonly up: pulumi.Output<boolean>;
  declare readonly txQueueLength: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly bridge: pulumi.Output<string | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  /** The peer as it is: its name, netns, settings, ifindex and stamp (marked "peer-"). */
  declare readonly peer: pulumi.Output<VethEndState>;
  declare readonly adopt: pulumi.Output<boolean>;
  declare readonly ifindex: pulumi.Output<number>;
  declare readonly stamp: pulumi.Output<string>;
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: VethPairArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "VethPair",
        name,
        {
          name: args.name,
          mtu: args.mtu,
          macAddress: args.macAddress,
          addresses: args.addresses,
          up: args.up,
          txQueueLength: args.txQueueLength,
          description: args.description,
          bridge: args.bridge,
          netns: args.netns,
          peer: args.peer,
          adopt: args.adopt,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          ifindex: undefined,
          stamp: undefined,
        },
        linkResourceOptions(opts),
        ["name", "peer"],
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }
  /** What a NetworkdFiles resource writes of this pair: both ends made by its .netdev, the first end configured. */
  networkdSettings(): NetworkdSettings {
    return {
      ...commonNetworkdSettings(this),
      kind: "veth",
      macAddress: this.macAddress,
      bridge: this.bridge,
      peerName: this.peer.name,
      peerMacAddress: this.peer.macAddress,
      peerNetns: this.peer.netns,
    };
  }
}
