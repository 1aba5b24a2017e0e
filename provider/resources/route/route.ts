import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";

/** The inputs of a Route. Every property may be a plain value or another resource's output. */
export interface RouteArgs {
  /**
   * Where the route leads: a prefix ("10.9.0.0/24", "fd00:9::/64") with no host bits set, an address alone (a
   * host route, /32 or /128), or "default" (its family then comes from the gateway or source). Replaces.
   */
  destination: pulumi.Input<string>;
  /** The next hop, an address of the destination's family. A gateway, a device, or both. */
  gateway?: pulumi.Input<string>;
  /**
   * The device packets leave by. Pass a TapInterface's or Bridge's `name` output, so that Pulumi makes the
   * device before the route and deletes it after. Unset: the device the gateway is reached through.
   */
  device?: pulumi.Input<string>;
  /** The route's priority (lower wins). Default: 0 for IPv4, 1024 for IPv6, as `ip route`. Replaces. */
  metric?: pulumi.Input<number>;
  /** A routing table id, or "main" (254, the default). "local" (255) is the kernel's and is refused. Replaces. */
  table?: pulumi.Input<number | "main">;
  /**
   * IPv4 only: "global", "link" (the destination is on the link) or "host". Default as `ip route`: link
   * without a gateway, global with one.
   */
  scope?: pulumi.Input<"global" | "link" | "host">;
  /** The preferred source address (RTA_PREFSRC) for packets the host sends by this route: one of its own. */
  source?: pulumi.Input<string>;
  /** Add the route in this named network namespace (/run/netns/NAME, as `ip netns add` makes). Replaces. */
  netns?: pulumi.Input<string>;
}

/**
 * A Linux route, made over rtnetlink: the declared form of `ip route add`. Marked as this provider's by its
 * routing protocol (`ip route show proto 238` lists them); a destination already taken by another route of the
 * same table and metric is refused, and no route without that mark is ever changed or deleted.
 */
export class Route extends DynamicResource {
  /** The destination as the kernel has it ("0.0.0.0/0" for an IPv4 default route). */
  declare readonly destination: pulumi.Output<string>;
  declare readonly family: pulumi.Output<4 | 6>;
  declare readonly gateway: pulumi.Output<string | undefined>;
  /** The device the route leaves by, as the kernel reports it (chosen by the kernel when only a gateway is declared). */
  declare readonly device: pulumi.Output<string | undefined>;
  declare readonly metric: pulumi.Output<number>;
  declare readonly table: pulumi.Output<number>;
  declare readonly scope: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string | undefined>;
  declare readonly netns: pulumi.Output<string | undefined>;
  /** The routing protocol that marks the route as this provider's (238). */
  declare readonly protocol: pulumi.Output<number>;

  constructor(name: string, args: RouteArgs, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        "Route",
        name,
        {
          // Every output needs a key here, set or not, to be exposed on the resource.
          destination: args.destination,
          gateway: args.gateway,
          device: args.device,
          metric: args.metric,
          table: args.table,
          scope: args.scope,
          source: args.source,
          netns: args.netns,
          family: undefined,
          protocol: undefined,
        },
        opts,
        ["destination", "metric", "scope"],
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }
}
