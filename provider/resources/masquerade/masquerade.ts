import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import { type ForeignChain, forwardDropWarning } from "./forwardDrop";

/** The inputs of a Masquerade. */
export interface MasqueradeArgs {
  /**
   * The lab's prefixes, IPv4 and IPv6 ("10.0.0.0/24", "fd00:1::/64"): networks without host bits, none inside
   * another. Traffic from them is forwarded out and masqueraded; replies come back in. Changes in place.
   */
  sources: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The lab's own device, behind which the sources live: pass a Bridge's (or TapInterface's, or VethPair's) `name`
   * output, so that Pulumi makes the device first. Rules match it by name, so it may come and go. Changes in place.
   */
  device: pulumi.Input<string>;
  /**
   * The uplink traffic leaves by ("eth0"). Unset: any device but the lab's own, as Docker and NetworkManager's
   * shared mode do. Changes in place.
   */
  egressDevice?: pulumi.Input<string>;
  /**
   * Map TCP and UDP source ports into this range, as libvirt's `<nat><port start='1024' end='65535'/></nat>`.
   * Unset: the kernel keeps source ports where it can. Changes in place.
   */
  sourcePorts?: pulumi.Input<{ start: pulumi.Input<number>; end: pulumi.Input<number> }>;
  /** Make the table in this named network namespace. Replaces. */
  netns?: pulumi.Input<string>;
}

/**
 * A lab's way out: traffic from its prefixes masqueraded behind the host's address on the uplink, forwarded out and
 * its replies back in — what libvirt's NAT network, NetworkManager's shared mode, systemd-networkd's IPMasquerade=
 * and Docker's bridge set up. Everything lives in one nftables table of its own (`table inet pulumi-…`, whose
 * comment is the ownership stamp), written over netlink in one transaction and replaced whole when it changes; a
 * rule deleted or changed by hand is found by `pulumi refresh` (`drift`) and put back by `pulumi up`. No other
 * table, chain or rule is ever changed. It does not turn forwarding on: add a `Forwarding` resource.
 *
 * A forward chain of another program with policy drop (an admin's `inet filter`, firewalld's, iptables' FORWARD on
 * a Docker host) still drops the lab's traffic, whatever this table accepts: such chains are listed in
 * `forwardDropChains`, and `pulumi up` warns, naming the two rules to add there.
 */
export class Masquerade extends DynamicResource {
  /** The prefixes, canonical and sorted (IPv4 first). */
  declare readonly sources: pulumi.Output<string[]>;
  declare readonly device: pulumi.Output<string>;
  declare readonly egressDevice: pulumi.Output<string | undefined>;
  declare readonly sourcePorts: pulumi.Output<{ start: number; end: number } | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  /** The nftables table (family inet) that holds the rules: `nft list table inet <table>`. */
  declare readonly table: pulumi.Output<string>;
  /** The ownership stamp, the table's comment. */
  declare readonly stamp: pulumi.Output<string>;
  /** How the table differs from what it should hold, as the last read found it; empty when in sync. */
  declare readonly drift: pulumi.Output<string[]>;
  /** Forward chains of other programs that will drop the lab's traffic whatever this table accepts. */
  declare readonly forwardDropChains: pulumi.Output<ForeignChain[]>;
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: MasqueradeArgs, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "Masquerade",
        name,
        {
          sources: args.sources,
          device: args.device,
          egressDevice: args.egressDevice,
          sourcePorts: args.sourcePorts,
          netns: args.netns,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          table: undefined,
          stamp: undefined,
          drift: undefined,
          forwardDropChains: undefined,
        },
        opts,
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
    // A dynamic provider cannot log to the engine; the resource can, once its outputs are known (not in a preview).
    pulumi.all([this.device, this.forwardDropChains]).apply(([device, chains]) => {
      const warning = forwardDropWarning(device, chains ?? []);
      if (warning !== undefined) void pulumi.log.warn(warning, this);
    });
  }
}
