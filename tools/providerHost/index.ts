// Pulumi's real dynamic-provider host, started and called one provider method at a time, outside an engine run:
// for what the CLI gives no handle on (see test/engine/README.md). Start one with startProviderHost, configure it,
// then call check/diff/create/read/update/delete (concurrently if you like: the engine sends Create/Update/Delete
// in parallel), and close it.
//
//   const host = await startProviderHost({ programDirectory: repositoryRoot });
//   await host.configure({ urn: defaultProviderUrn(stack, project), id: "0", inputs: {} });
//   const provider = await serializeProvider(tapInterfaceProvider);
//   const urn = resourceUrn(stack, project, TAP_INTERFACE_TYPE, "tap0");
//   const { inputs } = await host.check(urn, {}, { name: "tap0", __provider: provider });
//   const { id, properties } = await host.create(urn, inputs);
//   ...
//   await host.close();
export { type ProviderHost, type ProviderHostOptions, startProviderHost } from "./host";
export { serializeProvider } from "./serialize";
export type { CheckFailure, CheckResult, ConfigureResult, DiffResult, Properties, Value } from "./types";

export const TAP_INTERFACE_TYPE = "pulumi-nodejs:dynamic/tuntap:TapInterface";
export const BRIDGE_TYPE = "pulumi-nodejs:dynamic/tuntap:Bridge";

/** The URN of a resource of `type` that is a child of the stack (the stack's own type is left out of it). */
export function resourceUrn(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** The URN of the default provider of the dynamic resources. */
export function defaultProviderUrn(stack: string, project: string): string {
  return resourceUrn(stack, project, "pulumi:providers:pulumi-nodejs", "default");
}
