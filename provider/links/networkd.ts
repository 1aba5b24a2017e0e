// What NetworkdFiles needs of a link: its outputs as the settings of its systemd-networkd files. Each device kind
// says which of its outputs those are (its resource class is a NetworkdDevice), so NetworkdFiles names no kind.
import type * as pulumi from "@pulumi/pulumi";

/** A device's outputs as NetworkdFiles' inputs (an output that resolves to undefined is left out). */
export type NetworkdSettings = Record<string, pulumi.Input<unknown>>;

/** A device NetworkdFiles can write boot files for. */
export interface NetworkdDevice {
  /** Its kind as the .netdev's Kind= ("tap", "tun", "bridge", "veth"), its name, and the settings its files carry. */
  networkdSettings(): NetworkdSettings;
}

/** The outputs every device's files carry. */
export function commonNetworkdSettings(device: {
  name: pulumi.Output<string>;
  mtu: pulumi.Output<number>;
  addresses: pulumi.Output<string[]>;
  up: pulumi.Output<boolean>;
  description: pulumi.Output<string | undefined>;
  netns: pulumi.Output<string | undefined>;
}): NetworkdSettings {
  return { name: device.name, mtu: device.mtu, addresses: device.addresses, up: device.up, description: device.description, netns: device.netns };
}
