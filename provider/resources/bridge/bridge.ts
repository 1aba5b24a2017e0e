import * as pulumi from "@pulumi/pulumi";
import { linkResourceOptions } from "../../links/resourceOptions";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import { commonNetworkdSettings, type NetworkdDevice, type NetworkdSettings } from "../../links/networkd";

/** The inputs of a Bridge. */
export interface BridgeArgs {
  /**
   * The bridge name (same rules as TapInterface; "br%d" lets the kernel pick). Default: derived from the
   * resource name, e.g. "br0-1a2b3c". Changing it replaces the bridge.
   */
  name?: pulumi.Input<string>;
  /** IPv4 and IPv6 addresses with prefix, e.g. ["192.168.100.1/24"]. Default: none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** MTU (68–65535). Unset: the kernel follows the smallest MTU of the ports. */
  mtu?: pulumi.Input<number>;
  /** A fixed MAC address. Unset: the kernel's choice, left as found. */
  macAddress?: pulumi.Input<string>;
  /** Administratively up. Default true. */
  up?: pulumi.Input<boolean>;
  /** Spanning Tree Protocol. Default false. */
  stp?: pulumi.Input<boolean>;
  /** Transmit queue length. Left as found when unset. */
  txQueueLength?: pulumi.Input<number>;
  /** The interface alias, at most 255 bytes. Left as found when unset. */
  description?: pulumi.Input<string>;
  /** Create the bridge in this named network namespace. Replaces. */
  netns?: pulumi.Input<string>;
  /** Take over an existing bridge of this name instead of refusing it (created when absent). Default false. */
  adopt?: pulumi.Input<boolean>;
}

/** A Linux bridge, created, changed and deleted over rtnetlink: the declared form of `ip link add … type bridge`. */
export class Bridge extends DynamicResource implements NetworkdDevice {
  declare readonly name: pulumi.Output<string>;
  declare readonly addresses: pulumi.Output<string[]>;
  declare readonly mtu: pulumi.Output<number>;
  declare readonly macAddress: pulumi.Output<string>;
  declare readonly up: pulumi.Output<boolean>;
  declare readonly stp: pulumi.Output<boolean>;
  declare readonly txQueueLength: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  declare readonly adopt: pulumi.Output<boolean>;
  declare readonly ifindex: pulumi.Output<number>;
  declare readonly stamp: pulumi.Output<string>;
  declare readonly managedBy: pulumi.Output<string>;
  /** The names of the links that are ports of the bridge now (refresh updates it). */
  declare readonly ports: pulumi.Output<string[]>;

  constructor(name: string, args: BridgeArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "Bridge",
        name,
        {
          name: args.name,
          addresses: args.addresses,
          mtu: args.mtu,
          macAddress: args.macAddress,
          up: args.up,
          stp: args.stp,
          txQueueLength: args.txQueueLength,
          description: args.description,
          netns: args.netns,
          adopt: args.adopt,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          ifindex: undefined,
          stamp: undefined,
          ports: undefined,
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
  /** What a NetworkdFiles resource writes of this bridge. */
  networkdSettings(): NetworkdSettings {
    return {
      ...commonNetworkdSettings(this),
      kind: "bridge",
      // A bridge reports "" when the kernel gave it no address yet.
      macAddress: this.macAddress.apply((mac) => (mac === "" ? undefined : mac)),
      stp: this.stp,
    };
  }
}
