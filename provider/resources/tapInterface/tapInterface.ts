import * as pulumi from "@pulumi/pulumi";
import { linkResourceOptions } from "../../links/resourceOptions";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import { commonNetworkdSettings, type NetworkdDevice, type NetworkdSettings } from "../../links/networkd";

/** The inputs of a TapInterface. Every property may be a plain value or another resource's output. */
export interface TapInterfaceArgs {
  /**
   * The interface name: at most 15 bytes, no "/", ":" or white space, not "." or "..". A template with one
   * `%d` (e.g. "tap%d") lets the kernel pick the first free number; the chosen name is the `name` output.
   * Default: derived from the resource name and a hash of the project, stack and resource name, e.g.
   * "lab-1a2b3c" (stable across runs). Changing it replaces the device.
   */
  name?: pulumi.Input<string>;
  /** "tap" (Ethernet frames, for VMs and bridges) or "tun" (IP packets, for VPNs). Default "tap". Replaces. */
  mode?: pulumi.Input<"tap" | "tun">;
  /** The user allowed to open the device without CAP_NET_ADMIN: a uid or a user name on this host. */
  owner?: pulumi.Input<number | string>;
  /** The group allowed to open the device without CAP_NET_ADMIN: a gid or a group name on this host. */
  group?: pulumi.Input<number | string>;
  /** One queue per vCPU (IFF_MULTI_QUEUE), for QEMU's `queues=`. Default false. Replaces. */
  multiQueue?: pulumi.Input<boolean>;
  /**
   * Prepend the 4-byte packet information header (no IFF_NO_PI). Default false. The device starts with this
   * flag; the process that opens it (QEMU, Firecracker, a VPN daemon) sets its own, and the kernel keeps that.
   * Not compared after creation: the output reports what the device has now.
   */
  packetInfo?: pulumi.Input<boolean>;
  /** The virtio-net header (IFF_VNET_HDR). Default false. Same rule as packetInfo: creation-time only. */
  vnetHdr?: pulumi.Input<boolean>;
  /** MTU: 68–65521 for tap, 68–65535 for tun. Default: the kernel's (1500); left as found when unset. */
  mtu?: pulumi.Input<number>;
  /** The MAC address (tap only), unicast, e.g. "52:54:00:12:34:56". Default: random, left as found when unset. */
  macAddress?: pulumi.Input<string>;
  /** IPv4 and IPv6 addresses with prefix, e.g. ["192.168.0.1/24", "fd00::1/64"]. Default: none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** Administratively up. Default true. */
  up?: pulumi.Input<boolean>;
  /** Promiscuous mode, as `ifconfig … promisc` sets it. Default false. */
  promiscuous?: pulumi.Input<boolean>;
  /** Transmit queue length (txqueuelen). Default: the kernel's; left as found when unset. */
  txQueueLength?: pulumi.Input<number>;
  /** The interface alias (`ip link set … alias`), at most 255 bytes. Left as found when unset. */
  description?: pulumi.Input<string>;
  /** The name of a bridge for this tap to join (tap only). Changing it moves the port; unset leaves any bridge. */
  bridge?: pulumi.Input<string>;
  /** Create the device in this named network namespace (/run/netns/NAME, as `ip netns add` makes). Replaces. */
  netns?: pulumi.Input<string>;
  /**
   * Take over an existing TUN/TAP device of this name, mode and queue type instead of refusing the name
   * (Pulumi's import does not work for dynamic providers). Its settings are then brought to these inputs,
   * and `pulumi destroy` deletes it. When no such device exists, one is created. Default false.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * A Linux TUN or TAP device, created with the TUN/TAP ioctls and configured over rtnetlink: the declared form
 * of `ip tuntap add` + `ip link set` + `ip addr add`.
 */
export class TapInterface extends DynamicResource implements NetworkdDevice {
  /** The interface name, as the kernel has it (a `%d` template filled in). */
  declare readonly name: pulumi.Output<string>;
  declare readonly mode: pulumi.Output<"tap" | "tun">;
  /** Owner uid, absent when none is set. */
  declare readonly owner: pulumi.Output<number | undefined>;
  /** Group gid, absent when none is set. */
  declare readonly group: pulumi.Output<number | undefined>;
  declare readonly multiQueue: pulumi.Output<boolean>;
  declare readonly packetInfo: pulumi.Output<boolean>;
  declare readonly vnetHdr: pulumi.Output<boolean>;
  declare readonly mtu: pulumi.Output<number>;
  /** The MAC address (tap only). */
  declare readonly macAddress: pulumi.Output<string | undefined>;
  /** Addresses on the device, not counting those the kernel adds itself (IPv6 link-local). */
  declare readonly addresses: pulumi.Output<string[]>;
  declare readonly up: pulumi.Output<boolean>;
  declare readonly promiscuous: pulumi.Output<boolean>;
  declare readonly txQueueLength: pulumi.Output<number>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly bridge: pulumi.Output<string | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  declare readonly adopt: pulumi.Output<boolean>;
  /** The kernel's interface index. */
  declare readonly ifindex: pulumi.Output<number>;
  /** The ownership stamp (an altname, `pulumi:<project>:<stack>:<resource>:<nonce>`) that marks the device as this resource's. */
  declare readonly stamp: pulumi.Output<string>;
  /** "project/stack/resource": who owns the device. */
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: TapInterfaceArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "TapInterface",
        name,
        {
          // Every output needs a key here, set or not, to be exposed on the resource.
          name: args.name,
          mode: args.mode,
          owner: args.owner,
          group: args.group,
          multiQueue: args.multiQueue,
          packetInfo: args.packetInfo,
          vnetHdr: args.vnetHdr,
          mtu: args.mtu,
          macAddress: args.macAddress,
          addresses: args.addresses,
          up: args.up,
          promiscuous: args.promiscuous,
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
  /** What a NetworkdFiles resource writes of this device. */
  networkdSettings(): NetworkdSettings {
    return {
      ...commonNetworkdSettings(this),
      kind: this.mode,
      owner: this.owner,
      group: this.group,
      multiQueue: this.multiQueue,
      packetInfo: this.packetInfo,
      vnetHdr: this.vnetHdr,
      macAddress: this.macAddress,
      bridge: this.bridge,
      promiscuous: this.promiscuous,
    };
  }
}
