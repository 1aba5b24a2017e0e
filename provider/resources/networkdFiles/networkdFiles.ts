import * as pulumi from "@pulumi/pulumi";
import { Registration } from "../../lifecycle/registration";
import type { Route } from "../route/route";
import type { NetworkdDevice } from "../../links/networkd";
import networkdFilesProvider = require("./provider");

/** The inputs of NetworkdFiles. */
export interface NetworkdFilesArgs {
  /**
   * The device to recreate at boot. Its outputs (the device as the kernel has it: name, owner and group ids,
   * queue flags, MTU, MAC, addresses, bridge, promiscuity, up/down, alias) become the files' settings, so the
   * files follow every change to the device. Not carried over: txQueueLength (no .netdev or .network key for
   * it); the alias only as networkd's presentation-only Description=. A device in another network namespace
   * is refused: networkd configures the host's own.
   *
   * A VethPair's files make both ends ([Peer] in the .netdev: its name and MAC; networkd gives it the first end's
   * MTU) and configure the first end only. systemd-networkd cannot put the peer into another network namespace:
   * a pair whose peer has a netns is refused (check says so on `peerNetns`).
   */
  device: NetworkdDevice;
  /**
   * Where systemd-networkd reads the files: an absolute path, written plainly (no ".", ".." or "//").
   * Default "/etc/systemd/network", which must exist. Changing it replaces the files.
   */
  directory?: pulumi.Input<string>;
  /**
   * The files' name without extension: letters, digits, ".", "_", "-", "+", "@", not starting with ".".
   * Default "50-<device name>" (networkd applies the first matching .network file by name; 50 sorts before
   * the distributions' catch-alls). Changing it replaces the files.
   */
  fileStem?: pulumi.Input<string>;
  /**
   * Routes out of this device, each written as a [Route] section of the .network file (Destination=, Gateway=,
   * Metric=, Table=, Scope=, PreferredSource=, and Protocol=238 so that the route networkd adds at boot is the
   * Route resource's own). A route that leaves by another device is refused. Default: none.
   */
  routes?: Route[];
}

/**
 * The boot-time twin of a TapInterface or Bridge: the systemd-networkd `.netdev` file that creates the same
 * device at boot and the `.network` file that configures it (addresses, MTU, MAC, bridge port, promiscuity),
 * the declarative successor of a hand-written boot script. Written atomically, updated when the device
 * changes, removed on delete; a file this resource did not write (no marker naming it) is never overwritten
 * or removed. Writing the files does not reload networkd: they take effect at the next boot (or
 * `networkctl reload`). For hosts that use systemd-networkd; NetworkManager does not read them.
 */
export class NetworkdFiles extends pulumi.dynamic.Resource {
  /** "tap", "tun", "bridge" or "veth". */
  declare readonly kind: pulumi.Output<"tap" | "tun" | "bridge" | "veth">;
  /** The device's interface name, as written into both files. */
  declare readonly name: pulumi.Output<string>;
  declare readonly directory: pulumi.Output<string>;
  declare readonly fileStem: pulumi.Output<string>;
  /** The full path of the `.netdev` file. */
  declare readonly netdevPath: pulumi.Output<string>;
  /** The full path of the `.network` file. */
  declare readonly networkPath: pulumi.Output<string>;
  /** The `.netdev` file's text, as written (after a refresh: as found; "" when missing or no longer ours). */
  declare readonly netdevContent: pulumi.Output<string>;
  /** The `.network` file's text, as written (after a refresh: as found). */
  declare readonly networkContent: pulumi.Output<string>;
  /** "project/stack/resource": the identity named in the files' marker line. */
  declare readonly managedBy: pulumi.Output<string>;

  constructor(name: string, args: NetworkdFilesArgs, opts?: pulumi.CustomResourceOptions) {
    const registration = new Registration();
    try {
      super(
        networkdFilesProvider,
        name,
        {
          ...args.device.networkdSettings(),
          directory: args.directory,
          fileStem: args.fileStem,
          ...(args.routes === undefined ? {} : { routes: args.routes.map(routeSettings) }),
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          // Outputs that are not inputs still need a key to be exposed.
          netdevPath: undefined,
          networkPath: undefined,
          netdevContent: undefined,
          networkContent: undefined,
        },
        opts,
        "tuntap",
        "NetworkdFiles",
      );
    } catch (error) {
      throw registration.failed(error, new.target);
    } finally {
      registration.end();
    }
  }
}

/** A Route's outputs as one entry of the provider's `routes` input; scope only for IPv4, which has one. */
function routeSettings(route: Route): pulumi.Output<Record<string, unknown>> {
  return pulumi
    .all([route.destination, route.gateway, route.device, route.metric, route.table, route.scope, route.source, route.family])
    .apply(([destination, gateway, device, metric, table, scope, source, family]) => {
      const settings: Record<string, unknown> = { destination, device, metric, table };
      if (gateway !== undefined) settings.gateway = gateway;
      if (family === 4) settings.scope = scope;
      if (source !== undefined) settings.source = source;
      return settings;
    });
}
