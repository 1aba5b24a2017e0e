// One tap per microVM, each on its own /30 (see addressPlan.ts), and what each guest needs to use it.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";
import { planMicroVmAddresses } from "./addressPlan";

export interface MicroVmNetSettings {
  count: number;
  baseCidr: string;
  tapPrefix: string;
  /** The user the VMM (Firecracker, or its jailer's uid) runs as; unset: only root may open the taps. */
  owner?: string | number;
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
  return planMicroVmAddresses(settings.baseCidr, settings.count, settings.tapPrefix).map((plan) => {
    const vm = `microvm-${plan.index}`;
    const tap = new TapInterface(vm, {
      name: plan.tapName,
      mode: "tap",
      addresses: [plan.hostAddress],
      ...(settings.owner === undefined ? {} : { owner: settings.owner }),
    });
    return {
      vm,
      tap: tap.name,
      hostAddress: plan.hostAddress,
      guestAddress: plan.guestAddress,
      gateway: plan.gateway,
      netmask: plan.netmask,
      guestMac: plan.guestMac,
      kernelIpArgument: plan.kernelIpArgument,
      firecrackerNetworkInterface: tap.name.apply((name) => ({ iface_id: "eth0", guest_mac: plan.guestMac, host_dev_name: name })),
    };
  });
}
