import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import type { NetworkdDevice } from "../../links/networkd";
import type { TapPoolDeviceState } from "./model";

/** What every device of a pool has, unless its own entry overrides it. Every property may be an output. */
export interface TapPoolTemplateArgs {
  /** "tap" or "tun", for every device. Default "tap". Changing it replaces the pool. */
  mode?: pulumi.Input<"tap" | "tun">;
  /** The user allowed to open the devices without CAP_NET_ADMIN: a uid or a user name on this host. */
  owner?: pulumi.Input<number | string>;
  /** The group allowed to open the devices without CAP_NET_ADMIN: a gid or a group name on this host. */
  group?: pulumi.Input<number | string>;
  /** One queue per vCPU (IFF_MULTI_QUEUE). Default false. Changing it replaces the pool. */
  multiQueue?: pulumi.Input<boolean>;
  /** The packet information header, as TapInterface's packetInfo (creation-time only). Default false. */
  packetInfo?: pulumi.Input<boolean>;
  /** The virtio-net header (IFF_VNET_HDR), as TapInterface's vnetHdr (creation-time only). Default false. */
  vnetHdr?: pulumi.Input<boolean>;
  /** MTU: 68–65521 for tap, 68–65535 for tun. Left as found when unset. */
  mtu?: pulumi.Input<number>;
  /** Administratively up. Default true. */
  up?: pulumi.Input<boolean>;
  /** Promiscuous mode. Default false. */
  promiscuous?: pulumi.Input<boolean>;
  /** Transmit queue length. Left as found when unset. */
  txQueueLength?: pulumi.Input<number>;
  /** A bridge for every device to join (tap only). */
  bridge?: pulumi.Input<string>;
}

/** One device of the plan: its name, and what it has of its own. Every property may be an output. */
export interface TapPoolDeviceArgs {
  /** The interface name (at most 15 bytes, no "%d" template). Changing it renames the device in place. */
  name: pulumi.Input<string>;
  owner?: pulumi.Input<number | string>;
  group?: pulumi.Input<number | string>;
  /** The MAC address (tap only). Left as found when unset. */
  macAddress?: pulumi.Input<string>;
  /** Addresses with prefix. Default: none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** The interface alias. Left as found when unset. */
  description?: pulumi.Input<string>;
  /** Overrides of the template for this device. */
  mtu?: pulumi.Input<number>;
  up?: pulumi.Input<boolean>;
  promiscuous?: pulumi.Input<boolean>;
  txQueueLength?: pulumi.Input<number>;
  bridge?: pulumi.Input<string>;
}

/** The inputs of a TapPool. */
export interface TapPoolArgs {
  /** What every device has (TapInterface's settings that a pool shares); each device's entry may override them. */
  template?: pulumi.Input<TapPoolTemplateArgs>;
  /**
   * The plan: one entry per device under a key you choose (letters, digits, "_", "-"; at most 63), such as a
   * VM's id. Keys, not positions, identify devices: removing "vm-3" touches vm-3's device only. No two devices
   * may share a name, a MAC address or an IP address.
   */
  devices: pulumi.Input<Record<string, pulumi.Input<TapPoolDeviceArgs>>>;
  /** The named network namespace every device is made in. Changing it replaces the pool. */
  netns?: pulumi.Input<string>;
  /**
   * Take over existing TUN/TAP devices under planned names (of the template's mode and queue type, stamped by
   * nobody) instead of refusing them; `pulumi destroy` then deletes them. Default false.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * Many TUN/TAP devices as one resource, for hosts with hundreds to tens of thousands of uniform taps (a microVM
 * host): one template, a plan of devices by key, and per-device outputs. Each device is what a TapInterface would
 * make — stamped as this pool's, refused when someone else's, adopted when asked — but the engine handles one
 * resource: `pulumi up` of 1,000 devices costs one step, and an update touches only the devices that change.
 * Choose TapInterface when devices need their own lifecycle or dependencies (a VM depending on its tap alone).
 */
export class TapPool extends DynamicResource {
  /** Each planned device that exists, by key, as the kernel has it. A key missing here is a device missing on the host. */
  declare readonly devices: pulumi.Output<Record<string, TapPoolDeviceState>>;
  declare readonly mode: pulumi.Output<"tap" | "tun">;
  declare readonly multiQueue: pulumi.Output<boolean>;
  declare readonly packetInfo: pulumi.Output<boolean>;
  declare readonly vnetHdr: pulumi.Output<boolean>;
  declare readonly netns: pulumi.Output<string | undefined>;
  declare readonly adopt: pulumi.Output<boolean>;
  /** "project/stack/resource": whose devices these are; each device's stamp names it and the device's key. */
  declare readonly managedBy: pulumi.Output<string>;
  /** The stamp of this generation of the pool (each device carries one made from it and its key). */
  declare readonly stamp: pulumi.Output<string>;

  constructor(name: string, args: TapPoolArgs, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "TapPool",
        name,
        {
          template: args.template,
          devices: args.devices,
          netns: args.netns,
          adopt: args.adopt,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          // Outputs that are not inputs still need a key to be exposed.
          mode: undefined,
          multiQueue: undefined,
          packetInfo: undefined,
          vnetHdr: undefined,
          stamp: undefined,
        },
        opts,
        [],
        // Each device's outputs: ~10 values a device, as one text (recordedOutputs.ts).
        ["devices"],
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }

  /** One device's outputs, by key (undefined while it is missing on the host). */
  device(key: string): pulumi.Output<TapPoolDeviceState | undefined> {
    return this.devices.apply((devices) => devices[key]);
  }

  /** One device as NetworkdFiles' `device`: its boot files, from this pool's outputs. */
  networkdDevice(key: string): NetworkdDevice {
    const device = this.device(key);
    return {
      networkdSettings: () => ({
        kind: this.mode,
        name: device.apply((found) => found?.name),
        mtu: device.apply((found) => found?.mtu),
        addresses: device.apply((found) => found?.addresses ?? []),
        up: device.apply((found) => found?.up),
        description: device.apply((found) => found?.description),
        netns: this.netns,
        owner: device.apply((found) => found?.owner),
        group: device.apply((found) => found?.group),
        multiQueue: this.multiQueue,
        packetInfo: this.packetInfo,
        vnetHdr: this.vnetHdr,
        macAddress: device.apply((found) => found?.macAddress),
        bridge: device.apply((found) => found?.bridge),
        promiscuous: device.apply((found) => found?.promiscuous),
      }),
    };
  }
}
