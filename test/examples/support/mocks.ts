// Pulumi's mocks for example programs: every resource registration is recorded (type, name, inputs without
// the serialized provider), and answered with the outputs the real provider would give, simplified. No
// engine, no provider, no kernel: what these tests check is what a program builds from outputs.
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const TYPES = {
  tapInterface: "pulumi-nodejs:dynamic/tuntap:TapInterface",
  bridge: "pulumi-nodejs:dynamic/tuntap:Bridge",
  networkdFiles: "pulumi-nodejs:dynamic/tuntap:NetworkdFiles",
  masquerade: "pulumi-nodejs:dynamic/tuntap:Masquerade",
  forwarding: "pulumi-nodejs:dynamic/tuntap:Forwarding",
  labNetwork: "tuntap:index:LabNetwork",
  command: "command:local:Command",
} as const;

/** Users the simulated host knows. */
const UIDS: Record<string, number> = { root: 0, nobody: 65534 };

function resolveUser(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" ? UIDS[value] : undefined;
}

let nextIndex = 10;

/** The outputs a provider would answer with, simplified: inputs with defaults and computed values filled. */
function simulatedOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const ifindex = nextIndex++;
  const mac = `52:54:00:00:00:${ifindex.toString(16).padStart(2, "0")}`;
  switch (type) {
    case TYPES.tapInterface: {
      const mode = inputs.mode ?? "tap";
      const outputs: Record<string, unknown> = {
        mtu: 1500,
        addresses: [],
        up: true,
        promiscuous: false,
        multiQueue: false,
        packetInfo: false,
        vnetHdr: false,
        txQueueLength: 1000,
        adopt: false,
        ...inputs,
        name: inputs.name ?? `${name}-1a2b3c`,
        mode,
        ifindex,
        stamp: `pulumi:${name}:00000000`,
      };
      for (const key of ["owner", "group"]) {
        const id = resolveUser(inputs[key]);
        if (id === undefined) delete outputs[key];
        else outputs[key] = id;
      }
      if (mode === "tap" && outputs.macAddress === undefined) outputs.macAddress = mac;
      return outputs;
    }
    case TYPES.bridge:
      return { mtu: 1500, addresses: [], up: true, stp: false, txQueueLength: 1000, adopt: false, macAddress: "", ...inputs, name: inputs.name ?? `${name}-1a2b3c`, ifindex, stamp: `pulumi:${name}:00000000`, ports: [] };
    case TYPES.masquerade:
      return { ...inputs, table: `pulumi-${name}-1a2b3c`, stamp: `pulumi:${name}:00000000`, drift: [], forwardDropChains: [] };
    case TYPES.forwarding:
      return { ipv4: true, ipv6: false, ...inputs, switches: [{ version: 4, found: 0 }], claim: `pulumi-${name}-1a2b3c`, stamp: `pulumi:${name}:00000000`, drift: [] };
    case TYPES.command:
      return { ...inputs, stdout: "", stderr: "" };
    default:
      return { ...inputs };
  }
}

/** Installs the mocks; returns the list that fills up as resources register. */
export function installMocks(project = "lab", stack = "dev"): Registration[] {
  const registrations: Registration[] = [];
  void pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const { __provider: _provider, ...inputs } = args.inputs as Record<string, unknown>;
        registrations.push({ type: args.type, name: args.name, inputs });
        return { id: `${args.name}-id`, state: simulatedOutputs(args.type, args.name, inputs) };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    project,
    stack,
    false,
  );
  return registrations;
}

/** The value of an output, once known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Waits until every given resource is registered. */
export async function registered(...resources: pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((resource) => valueOf(resource.urn)));
}

export function registrationsOf(registrations: readonly Registration[], type: string): Registration[] {
  return registrations.filter((registration) => registration.type === type);
}
