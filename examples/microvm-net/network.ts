// One tap per microVM, each on its own /30 (see addressPlan.ts), and what each guest needs to use it: a
// TapInterface per microVM, or, for a host with hundreds of them, one TapPool holding every tap (one resource for
// the engine to step and checkpoint instead of one per tap).
import * as pulumi from "@pulumi/pulumi";
import { TapInterface, TapPool } from "pulumi-tuntap";
import { type MicroVmAddresses, planMicroVmAddresses } from "./addressPlan";

export interface MicroVmNetSettings {
  count: number;
  baseCidr: string;
  tapPrefix: string;
  /** The user the VMM (Firecracker, or its jailer's uid) runs as; unset: only root may open the taps. */
  owner?: string | number;
  /** Every tap in one TapPool (its devices keyed by microVM) rather than a TapInterface each. */
  pool?: boolean;
}

export interface MicroVmGuest {
  vm: string;
  /** Firecracker's host_dev_name. */
  tap: pulumi.Output<string>;
  hostAddress: string;
  guestAddress: string;
  gateway: string;
  netmask: string;
  guestMac: string;
  kernelIpArgument: string;
  /** The body of Firecracker's `PUT /network-interfaces/eth0`. */
  firecrackerNetworkInterface: pulumi.Output<{ iface_id: string; guest_mac: string; host_dev_name: string }>;
}

export function microVmNetwork(settings: MicroVmNetSettings): MicroVmGuest[] {
  const plans = planMicroVmAddresses(settings.baseCidr, settings.count, settings.tapPrefix);
  const owner = settings.owner === undefined ? {} : { owner: settings.owner };
  if (settings.pool !== true) {
    return plans.map((plan) => {
      const vm = vmName(plan);
      return guest(vm, plan, new TapInterface(vm, { name: plan.tapName, mode: "tap", addresses: [plan.hostAddress], ...owner }).name);
    });
  }
  const devices = Object.fromEntries(plans.map((plan) => [vmName(plan), { name: plan.tapName, addresses: [plan.hostAddress] }]));
  const pool = new TapPool("microvms", { template: { mode: "tap", ...owner }, devices });
  // A device missing on the host (found so by a refresh) keeps its planned name: `pulumi up` makes it again.
  return plans.map((plan) => guest(vmName(plan), plan, pool.device(vmName(plan)).apply((device) => device?.name ?? plan.tapName)));
}

function vmName(plan: MicroVmAddresses): string {
  return `microvm-${plan.index}`;
}

function guest(vm: string, plan: MicroVmAddresses, tap: pulumi.Output<string>): MicroVmGuest {
  return {
    vm,
    tap,
    hostAddress: plan.hostAddress,
    guestAddress: plan.guestAddress,
    gateway: plan.gateway,
    netmask: plan.netmask,
    guestMac: plan.guestMac,
    kernelIpArgument: plan.kernelIpArgument,
    firecrackerNetworkInterface: tap.apply((name) => ({ iface_id: "eth0", guest_mac: plan.guestMac, host_dev_name: name })),
  };
}
