import * as pulumi from "@pulumi/pulumi";
import type { Forwarding } from "../forwarding/forwarding";
import type { Masquerade } from "../masquerade/masquerade";
import { DynamicResource } from "../../lifecycle/dynamicResource";
import { Registration } from "../../lifecycle/registration";
import type { Route } from "../route/route";
import type { Vxlan } from "../vxlan/vxlan";
import type { NetworkdDevice } from "../../links/networkd";

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
   *
   * A Vxlan's .netdev carries [VXLAN] (VNI, local, group, port, learning, TTL) and its .network one [BridgeFDB] per
   * peer. Over an underlay device, networkd makes it only when the underlay's .network names it: see `vxlans`.
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
  /**
   * Vxlan devices made over this device (their `underlay`): each a `VXLAN=` line of the .network file, which is
   * what makes networkd create them at boot. A Vxlan over another device is refused. Default: none.
   */
  vxlans?: Vxlan[];
  /**
   * A DHCP server on the device at boot (systemd-networkd's own: `DHCPServer=yes`), handing out addresses of the
   * subnet of the device's first IPv4 address: what libvirt's default network runs dnsmasq for. A bridge's or a
   * tap's; a tun has no Ethernet to broadcast on. Default: none.
   */
  dhcpServer?: pulumi.Input<DhcpServerArgs>;
  /**
   * The Masquerade of this device's lab, written as `IPMasquerade=` so that the lab gets out after a reboot too.
   * networkd masquerades the prefixes of the device's own addresses out of any other link, so the Masquerade must
   * say exactly that: its device this one, no egressDevice, no sourcePorts, and per family the device's prefixes
   * (check says which when it does not).
   */
  masquerade?: Masquerade;
  /**
   * The Forwarding the lab needs, written as networkd on this host wants it: `IPForward=` (up to systemd 255, for the
   * whole system) or `IPv4Forwarding=`/`IPv6Forwarding=` (from 256, for this link). A Forwarding of some devices
   * only must name this one, and needs systemd 256.
   */
  forwarding?: Forwarding;
  /**
   * The systemd version the files are for, when not this host's (files for an image built elsewhere). Default: the
   * version of this host's systemd, read from its libsystemd-shared library.
   */
  networkdVersion?: pulumi.Input<number>;
}

/** The DHCP server networkd runs on the device (systemd.network(5), [DHCPServer]). */
export interface DhcpServerArgs {
  /** The pool's first address, counted from the start of the subnet ("100": x.y.z.100 in a /24). Default: networkd's. */
  poolOffset?: pulumi.Input<number>;
  /** How many addresses the pool holds. Default: the rest of the subnet. */
  poolSize?: pulumi.Input<number>;
  /** DNS servers handed out (IPv4). Default: the ones the host itself uses. */
  dns?: pulumi.Input<pulumi.Input<string>[]>;
  /** The router handed out, or false for none. Default: the server's own address (the device's). Router= needs systemd 251. */
  router?: pulumi.Input<string | false>;
  /** Fixed addresses by MAC, as libvirt's `<host mac=… ip=…/>`: pass your VMs' TapInterface MACs. Needs systemd 249. */
  staticLeases?: pulumi.Input<pulumi.Input<{ macAddress: pulumi.Input<string>; address: pulumi.Input<string> }>[]>;
}

/**
 * The boot-time twin of a TapInterface, Bridge, VethPair or Vxlan: the systemd-networkd `.netdev` file that
 * creates the same device at boot and the `.network` file that configures it (addresses, MTU, MAC, bridge port,
 * promiscuity, a VXLAN device's peers), the declarative successor of a hand-written boot script. Written atomically, updated when the device
 * changes, removed on delete; a file this resource did not write (no marker naming it) is never overwritten
 * or removed. Writing the files does not reload networkd: they take effect at the next boot (or
 * `networkctl reload`). For hosts that use systemd-networkd; NetworkManager does not read them.
 */
export class NetworkdFiles extends DynamicResource {
  /** "tap", "tun", "bridge", "veth" or "vxlan". */
  declare readonly kind: pulumi.Output<"tap" | "tun" | "bridge" | "veth" | "vxlan">;
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
        "NetworkdFiles",
        name,
        {
          ...args.device.networkdSettings(),
          directory: args.directory,
          fileStem: args.fileStem,
          ...(args.routes === undefined ? {} : { routes: args.routes.map(routeSettings) }),
          ...(args.vxlans === undefined ? {} : { vxlans: args.vxlans.map(carriedVxlan) }),
          dhcpServer: args.dhcpServer,
          ...(args.masquerade === undefined ? {} : { masquerade: masqueradeSettings(args.masquerade) }),
          ...(args.forwarding === undefined ? {} : { forwarding: forwardingSettings(args.forwarding) }),
          networkdVersion: args.networkdVersion,
          managedBy: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
          // Outputs that are not inputs still need a key to be exposed.
          netdevPath: undefined,
          networkPath: undefined,
          netdevContent: undefined,
          networkContent: undefined,
        },
        opts,
        ["fileStem"],
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

/** A Vxlan's name and underlay, as one entry of the provider's `vxlans` input. */
function carriedVxlan(vxlan: Vxlan): pulumi.Output<{ name: string; underlay?: string }> {
  return pulumi.all([vxlan.name, vxlan.underlay]).apply(([name, underlay]) => (underlay === undefined ? { name } : { name, underlay }));
}

/** A Masquerade's outputs as the provider's `masquerade` input. */
function masqueradeSettings(masquerade: Masquerade): pulumi.Output<Record<string, unknown>> {
  return pulumi.all([masquerade.device, masquerade.sources, masquerade.egressDevice, masquerade.sourcePorts]).apply(([device, sources, egressDevice, sourcePorts]) => {
    const settings: Record<string, unknown> = { device, sources };
    if (egressDevice !== undefined) settings.egressDevice = egressDevice;
    if (sourcePorts !== undefined) settings.sourcePorts = sourcePorts;
    return settings;
  });
}

/** A Forwarding's outputs as the provider's `forwarding` input. */
function forwardingSettings(forwarding: Forwarding): pulumi.Output<Record<string, unknown>> {
  return pulumi.all([forwarding.ipv4, forwarding.ipv6, forwarding.devices]).apply(([ipv4, ipv6, devices]) => {
    const settings: Record<string, unknown> = { ipv4, ipv6 };
    if (devices !== undefined) settings.devices = devices;
    return settings;
  });
}
