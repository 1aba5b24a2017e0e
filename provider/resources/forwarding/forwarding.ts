import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import type { ForwardingSwitchState } from "./model";

/** The inputs of a Forwarding. */
export interface ForwardingArgs {
  /** Forward IPv4. Default true. Changes in place. */
  ipv4?: pulumi.Input<boolean>;
  /** Forward IPv6. Default false. Changes in place. */
  ipv6?: pulumi.Input<boolean>;
  /**
   * Forward through these devices only: IPv4 through `net.ipv4.conf.DEV.forwarding` of each (a packet is forwarded
   * when the device it arrives on forwards, so name the lab's device and the uplink), IPv6 through
   * `net.ipv6.conf.DEV.force_forwarding` (Linux 6.17 and later). Pass the devices' `name` outputs so that Pulumi
   * makes them first. Unset: the global switches, `net.ipv4.ip_forward` and `net.ipv6.conf.all.forwarding`, as
   * libvirt, NetworkManager's shared mode and Docker set them. Changes in place.
   */
  devices?: pulumi.Input<pulumi.Input<string>[]>;
  /** Turn forwarding on in this named network namespace. Replaces. */
  netns?: pulumi.Input<string>;
}

/**
 * IP forwarding turned on for a stack's labs: the declared form of `sysctl -w net.ipv4.ip_forward=1`. It records
 * what each switch was before any stack raised it and claims the switch where other stacks (and `nft list ruleset`)
 * see it: a table `inet pulumi-…` with no base chain (no packet passes through it) and one empty chain per switch.
 * On delete it turns a switch off again only if this stack turned it on and no other stack still claims it; a
 * value the admin or another program set is never lowered, and what is left on, and why, is said in the output of
 * `pulumi up` and `pulumi destroy`. A switch turned off by hand is found by `pulumi refresh` (`drift`) and turned
 * on again by `pulumi up`.
 */
export class Forwarding extends DynamicResource {
  declare readonly ipv4: pulumi.Output<boolean>;
  declare readonly ipv6: pulumi.Output<boolean>;
  declare readonly devices: pulumi.Output<string[] | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  /** Each switch, and its value before any stack raised it (what a delete may restore). */
  declare readonly switches: pulumi.Output<ForwardingSwitchState[]>;
  /** The nftables table (family inet) holding this resource's claim. */
  declare readonly claim: pulumi.Output<string>;
  /** The ownership stamp, the claim table's comment. */
  declare readonly stamp: pulumi.Output<string>;
  /** Switches found off, or a claim found changed, by the last read; empty when in order. */
  declare readonly drift: pulumi.Output<string[]>;
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: ForwardingArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "Forwarding",
        name,
        {
          ipv4: args.ipv4,
          ipv6: args.ipv6,
          devices: args.devices,
          netns: args.netns,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          switches: undefined,
          claim: undefined,
          stamp: undefined,
          drift: undefined,
        },
        opts,
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }
}
