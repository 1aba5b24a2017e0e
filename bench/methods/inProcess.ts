// Method 1: our provider's implementation called in this process, the way the engine calls it (check before
// create/update, diff before update), with every delete in flight at once as a destroy would send them.
import type * as pulumi from "@pulumi/pulumi";
import { tapInterfaceProvider } from "pulumi-tuntap";
import { type BenchDevice, type BenchMethod, type Phase, tapInputs } from "../workload";

type Outputs = Record<string, unknown>;

export function inProcessMethod(provider: pulumi.dynamic.ResourceProvider = tapInterfaceProvider): BenchMethod {
  const state = new Map<string, Outputs>();
  const inputs = (device: BenchDevice, updated: boolean) => tapInputs(device, updated, `bench/inprocess/${device.name}`);
  return {
    key: "inProcess",
    label: "provider, in process",
    async run(phase: Phase, devices: readonly BenchDevice[]) {
      switch (phase) {
        case "create":
          for (const device of devices) {
            const checked = await provider.check?.({}, inputs(device, false));
            const created = await provider.create(checked?.inputs);
            state.set(device.name, created.outs as Outputs);
          }
          return;
        case "read":
          for (const device of devices) {
            const read = await provider.read?.(device.name, state.get(device.name) ?? {});
            if (read?.id !== device.name) throw new Error(`read lost ${device.name}`);
          }
          return;
        case "update":
          for (const device of devices) {
            const olds = state.get(device.name) ?? {};
            const checked = await provider.check?.(olds, inputs(device, true));
            const diff = await provider.diff?.(device.name, olds, checked?.inputs);
            if (diff?.changes !== true) throw new Error(`no change for ${device.name}`);
            const updated = await provider.update?.(device.name, olds, checked?.inputs);
            state.set(device.name, updated?.outs as Outputs);
          }
          return;
        case "delete":
          await Promise.all(devices.map((device) => provider.delete?.(device.name, state.get(device.name) ?? {})));
          state.clear();
          return;
      }
    },
  };
}
