// The Route resources of a stack's exported state, for assertions about what the kernel removes on its own.
import type { Deployment } from "@pulumi/pulumi/automation";
import { type ManagedDevice, resourcesOf } from "./stateView";

export const ROUTE_TYPE = "pulumi-nodejs:dynamic/tuntap:Route";

/** A device's links: its own, and a veth pair's peer, which goes with it. */
function linksOf(device: ManagedDevice): { name: unknown; netns: unknown }[] {
  const peer = device.outputs.peer as { name?: unknown; netns?: unknown } | undefined;
  return [{ name: device.name, netns: device.netns }, ...(peer === undefined ? [] : [{ name: peer.name, netns: peer.netns ?? undefined }])];
}

/** How many of the stack's routes leave by one of these devices: the kernel deletes them with the devices. */
export function routesThrough(state: Deployment, devices: readonly ManagedDevice[]): number {
  const links = devices.flatMap(linksOf);
  return resourcesOf(state).filter((resource) => {
    const outputs = resource.outputs ?? {};
    // A route in the caller's namespace records its netns as null (unset).
    return resource.type === ROUTE_TYPE && links.some((link) => link.name === outputs.device && link.netns === (outputs.netns ?? undefined));
  }).length;
}
