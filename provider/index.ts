// pulumi-tuntap: Linux TUN/TAP devices (one by one, or pools of them), bridges, veth pairs, network namespaces and
// routes as Pulumi resources.
//
// One line per kind: its folder's index.ts is everything the package exports of it (resource, provider, model).
export * from "./resources/tapInterface";
export * from "./resources/bridge";
export * from "./resources/vethPair";
export * from "./resources/networkNamespace";
export * from "./resources/route";
export * from "./resources/networkdFiles";
export * from "./resources/tapPool";

// What any kind may throw.
export { DeviceConflictError, InvalidInputsError, MissingDeviceError, PartialCreateError } from "./lifecycle/errors";
export { ForeignDeviceError } from "./links/errors";
export type { CheckFailure } from "./model";
