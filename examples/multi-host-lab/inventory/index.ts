// The multi-host lab's inventory: which hosts there are, their underlay addresses, the VNI, the lab subnet and each
// host's share of it. It declares no resource: its outputs are what every host stack reads through a
// StackReference, so the inventory is written in one place and each host takes what it needs from it. Run its
// `pulumi up` before the hosts' (rollout.ts does).
//
// Config (all optional):
//   hosts            [{ name, underlay, device?, slot }], as JSON: `pulumi config set hosts '[{"name":"a",…}]'`
//                    (default: a, b, c on 192.0.2.11–13, slots 1–3, NIC eth0)
//   vni              the overlay's VXLAN Network Identifier (default 4242)
//   destinationPort  its UDP port (default 4789)
//   labSubnet        the guests' IPv4 subnet across every host (default 10.77.0.0/24)
//   shareSize        addresses per host: its bridge's and its guests' (default 16)
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HOSTS, type InventoryHost, planInventory } from "./plan";

const config = new pulumi.Config();

const plan = planInventory({
  hosts: config.getObject<InventoryHost[]>("hosts") ?? DEFAULT_HOSTS,
  vni: config.getNumber("vni") ?? 4242,
  destinationPort: config.getNumber("destinationPort") ?? 4789,
  labSubnet: config.get("labSubnet") ?? "10.77.0.0/24",
  shareSize: config.getNumber("shareSize") ?? 16,
});

export const vni = plan.vni;
export const destinationPort = plan.destinationPort;
export const labSubnet = plan.labSubnet;
export const hosts = plan.hosts;
