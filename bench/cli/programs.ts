// The three stacks the CLI benchmark runs, each declaring one resource per device of the workload:
// - our TapInterface, from the package as users install it (tools/installedPackage.ts);
// - a dynamic resource whose provider does nothing: the engine's own floor per resource (gRPC, steps,
//   checkpoints), which no provider can go below;
// - a dynamic resource whose provider runs `sh -c 'ip …'` per resource and step, as one
//   `command.local.Command` per device would (what people do today). @pulumi/command's own plugin cannot be
//   built here (its Go module is not served by the module proxy), so this provider plays it: one shell and its
//   `ip` processes per create, update and delete, and nothing on refresh, like local.Command.
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import type { PulumiTuntap } from "../../tools/installedPackage";
import type { BenchDevice } from "../workload";

export type StackKind = "tapInterface" | "noop" | "ipCommand";

const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: String(inputs.name), outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds) !== JSON.stringify({ ...olds, ...news }) };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

function shell(script: string): void {
  // Loaded at call time: the provider is serialized into the state and run by the dynamic-provider host.
  const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
  execFileSync("sh", ["-c", script], { stdio: ["ignore", "ignore", "pipe"] });
}

const ipCommandProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    shell(
      `ip tuntap add dev ${inputs.name} mode tap user ${inputs.owner} && ip link set dev ${inputs.name} mtu ${inputs.mtu} address ${inputs.macAddress} up && ip addr add ${inputs.address} dev ${inputs.name}`,
    );
    return { id: String(inputs.name), outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds) !== JSON.stringify({ ...olds, ...news }) };
  },
  async update(_id, olds, news) {
    shell(`ip link set dev ${news.name} mtu ${news.mtu} && ip addr replace ${news.address} dev ${news.name} && ip addr del ${olds.address} dev ${news.name}`);
    return { outs: news };
  },
  async delete(id) {
    shell(`ip link del dev ${id}`);
  },
};

class BenchResource extends pulumi.dynamic.Resource {
  constructor(provider: pulumi.dynamic.ResourceProvider, name: string, device: BenchDevice) {
    super(provider, name, { name: device.name, owner: device.owner, mtu: device.mtu, macAddress: device.macAddress, address: device.address }, undefined, "bench", "Device");
  }
}

export function benchProgram(kind: StackKind, devices: readonly BenchDevice[], installed: PulumiTuntap): PulumiFn {
  return async () => {
    for (const device of devices) {
      if (kind === "tapInterface") {
        new installed.TapInterface(device.name, { name: device.name, owner: device.owner, mtu: device.mtu, macAddress: device.macAddress, addresses: [device.address], up: true });
      } else {
        new BenchResource(kind === "noop" ? noopProvider : ipCommandProvider, device.name, device);
      }
    }
  };
}
