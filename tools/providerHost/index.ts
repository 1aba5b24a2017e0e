// Talking to Pulumi's real dynamic-provider host outside a full engine run: for the provider-host test and the
// benchmark. Start one with startProviderHost, configure it, then call check/diff/create/read/update/delete
// (concurrently if you like: the engine sends Create/Update/Delete in parallel), and close it.
//
//   const host = await startProviderHost({ programDirectory: repositoryRoot });
//   await host.configure({ urn: defaultProviderUrn(stack, project), id: "0", inputs: {} });
//   const provider = await serializeProvider(tapInterfaceProvider);
//   const urn = resourceUrn(stack, project, TAP_INTERFACE_TYPE, "tap0");
//   const { inputs } = await host.check(urn, {}, { name: "tap0", __provider: provider });
//   const { id, properties } = await host.create(urn, inputs);
//   ...
//   await host.close();
import { makeUrn, providerType } from "./urn";

export { type CheckFailure, type CheckResult, type ConfigureResult, type DiffResult, ProviderCallError, ProviderHost, type ProviderHostOptions, startProviderHost } from "./host";
export { serializeProvider } from "./serialize";
export type { Properties, Value } from "./properties";

export const TAP_INTERFACE_TYPE = "pulumi-nodejs:dynamic/tuntap:TapInterface";
export const BRIDGE_TYPE = "pulumi-nodejs:dynamic/tuntap:Bridge";

/** The URN a resource of `type` gets as a child of the stack. */
export function resourceUrn(stack: string, project: string, type: string, name: string): string {
  return makeUrn(stack, project, makeUrn(stack, project, undefined, "pulumi:pulumi:Stack", `${project}-${stack}`), type, name);
}

/** The URN of the default provider of the dynamic resources. */
export function defaultProviderUrn(stack: string, project: string): string {
  return makeUrn(stack, project, undefined, providerType("pulumi-nodejs"), "default");
}
