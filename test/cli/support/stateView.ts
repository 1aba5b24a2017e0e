// Reading a stack's exported state (`pulumi stack export`) for assertions.
import type { Deployment } from "@pulumi/pulumi/automation";
import type { Properties } from "pulumi-tuntap/model";
import { inOnePart } from "../../../provider/lifecycle/recordedOutputs";

export const TAP_INTERFACE_TYPE = "pulumi-nodejs:dynamic/tuntap:TapInterface";
export const BRIDGE_TYPE = "pulumi-nodejs:dynamic/tuntap:Bridge";
export const VETH_PAIR_TYPE = "pulumi-nodejs:dynamic/tuntap:VethPair";
const DEVICE_TYPES = new Set([TAP_INTERFACE_TYPE, BRIDGE_TYPE, VETH_PAIR_TYPE]);

export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  delete?: boolean;
  protect?: boolean;
  retainOnDelete?: boolean;
  pendingReplacement?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  dependencies?: string[];
  initErrors?: string[];
}

/** A network device the stack manages, as its state records it (a veth pair by its first end). */
export interface ManagedDevice {
  urn: string;
  /** The resource name in the program. */
  resource: string;
  type: string;
  name: string;
  ifindex: number;
  netns: string | undefined;
  outputs: Record<string, unknown>;
}

/** The resources, each with its outputs as one object: the two parts the state records them in, merged. */
export function resourcesOf(state: Deployment): ExportedResource[] {
  const resources = ((state.deployment as { resources?: unknown[] } | undefined)?.resources ?? []) as ExportedResource[];
  return resources.map((resource) => (resource.outputs === undefined ? resource : { ...resource, outputs: inOnePart(resource.outputs as Properties) }));
}

/** Operations the CLI recorded as started and never finished (a run interrupted in flight). */
export function pendingOperationsOf(state: Deployment): { type: string; resource: ExportedResource }[] {
  return ((state.deployment as { pending_operations?: unknown[] } | undefined)?.pending_operations ?? []) as { type: string; resource: ExportedResource }[];
}

export function devicesOf(state: Deployment): ManagedDevice[] {
  return resourcesOf(state)
    .filter((resource) => DEVICE_TYPES.has(resource.type) && resource.delete !== true)
    .map((resource) => {
      const outputs = resource.outputs ?? {};
      return {
        urn: resource.urn,
        resource: resource.urn.split("::").slice(3).join("::"),
        type: resource.type,
        name: String(outputs.name),
        ifindex: Number(outputs.ifindex),
        netns: typeof outputs.netns === "string" ? outputs.netns : undefined,
        outputs,
      };
    });
}

export function deviceNamed(state: Deployment, name: string): ManagedDevice | undefined {
  return devicesOf(state).find((device) => device.name === name);
}
