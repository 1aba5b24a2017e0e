// The Route resources of a stack's exported state, for assertions about what the kernel removes on its own.
import type { Deployment } from "@pulumi/pulumi/automation";
import { type ManagedDevice, resourcesOf } from "./stateView";

export const ROUTE_TYPE = "pulumi-nodejs:dynamic/tuntap:Route";

/** How many of the stack's routes leave by one of these devices: the kernel deletes them with the devices. */
export function routesThrough(state: Deployment, devices: readonly ManagedDevice[]): number {
  return resourcesOf(state).filter((resource) => {
    const outputs = resource.outputs ?? {};
    return resource.type === ROUTE_TYPE && devices.some((device) => device.name === outputs.device && device.netns === outputs.netns);
  }).length;
}
