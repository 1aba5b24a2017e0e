// Method 2: our provider through Pulumi's real dynamic-provider host over gRPC, called the way the engine
// calls it: Check and Diff one at a time, Create/Update/Delete (and refresh's Read) up to the engine's
// default --parallel in flight. Also reports the host's peak resident memory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tapInterfaceProvider } from "pulumi-tuntap";
import {
  defaultProviderUrn,
  type Properties,
  type ProviderHost,
  resourceUrn,
  serializeProvider,
  startProviderHost,
  TAP_INTERFACE_TYPE,
} from "../../tools/providerHost";
import { type BenchDevice, type BenchMethod, type Phase, tapInputs } from "../workload";

const STACK = "bench";
const PROJECT = "tuntap-bench";

/** Runs `work` over `items` with at most `limit` in flight, as the engine's step executor does. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Feeds the results of serialized work (Check, Diff) into a pool of parallel work (Create, Update). */
async function serialThenParallel<T, U>(items: readonly T[], limit: number, serial: (item: T) => Promise<U>, parallel: (result: U) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for (const item of items) {
    const prepared = await serial(item);
    const task = parallel(prepared).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}

/** The node process behind the plugin script (which does not exec), and its VmHWM in KiB. */
function peakResidentKiB(scriptPid: number): number {
  const children = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  const pids = [scriptPid, ...children.map(Number)];
  return Math.max(
    ...pids.map((pid) => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return match === null ? 0 : Number(match[1]);
    }),
  );
}

export function providerHostMethod(parallelism: number, key = "providerHost"): BenchMethod {
  let host: ProviderHost | undefined;
  let serializedProvider = "";
  let peakKiB = 0;
  const state = new Map<string, { inputs: Properties; outputs: Properties }>();
  const urn = (device: BenchDevice) => resourceUrn(STACK, PROJECT, TAP_INTERFACE_TYPE, device.name);
  const inputs = (device: BenchDevice, updated: boolean): Properties => ({
    ...(tapInputs(device, updated, `${PROJECT}/${STACK}/${device.name}`) as Properties),
    __provider: serializedProvider,
  });

  const started = async (): Promise<ProviderHost> => {
    if (host === undefined) {
      serializedProvider = await serializeProvider(tapInterfaceProvider);
      host = await startProviderHost({ programDirectory: join(__dirname, "..", "..", ".."), project: PROJECT, onOutput: () => undefined });
      await host.configure({ urn: defaultProviderUrn(STACK, PROJECT), id: "bench", inputs: {} });
    }
    return host;
  };

  return {
    key,
    label: `provider via Pulumi's provider host (gRPC, --parallel ${parallelism})`,
    async run(phase: Phase, devices: readonly BenchDevice[]) {
      const client = await started();
      switch (phase) {
        case "create":
          await serialThenParallel(
            devices,
            parallelism,
            async (device) => ({ device, checked: await client.check(urn(device), {}, inputs(device, false)) }),
            async ({ device, checked }) => {
              const created = await client.create(urn(device), checked.inputs);
              state.set(device.name, { inputs: checked.inputs, outputs: created.properties });
            },
          );
          break;
        case "read":
          await inParallel(devices, parallelism, async (device) => {
            const recorded = state.get(device.name);
            const read = await client.read(urn(device), device.name, recorded?.outputs ?? {}, recorded?.inputs ?? {});
            if (read.id !== device.name) throw new Error(`refresh lost ${device.name}`);
          });
          break;
        case "update":
          await serialThenParallel(
            devices,
            parallelism,
            async (device) => {
              const recorded = state.get(device.name);
              const checked = await client.check(urn(device), recorded?.inputs ?? {}, inputs(device, true));
              const diff = await client.diff(urn(device), device.name, recorded?.outputs ?? {}, checked.inputs, recorded?.inputs ?? {});
              if (diff.changes !== "some") throw new Error(`no change for ${device.name}`);
              return { device, checked, recorded };
            },
            async ({ device, checked, recorded }) => {
              const outputs = await client.update(urn(device), device.name, recorded?.outputs ?? {}, checked.inputs, recorded?.inputs ?? {});
              state.set(device.name, { inputs: checked.inputs, outputs });
            },
          );
          break;
        case "delete":
          await inParallel(devices, parallelism, async (device) => {
            const recorded = state.get(device.name);
            await client.delete(urn(device), device.name, recorded?.outputs ?? {}, recorded?.inputs ?? {});
          });
          state.clear();
          break;
      }
      peakKiB = Math.max(peakKiB, peakResidentKiB(client.pid));
    },
    figures: () => ({ peakRssMiB: Math.round(peakKiB / 102.4) / 10 }),
    async close() {
      await host?.close();
      host = undefined;
    },
  };
}
