// pulumi-tuntap: Linux TUN/TAP devices and bridges as Pulumi resources.
export { TapInterface, type TapInterfaceArgs } from "./resources/tapInterface";
export { tapInterfaceProvider } from "./resources/tapInterfaceProvider";
export { Bridge, type BridgeArgs } from "./resources/bridge";
export { bridgeProvider } from "./resources/bridgeProvider";
export { NetworkdFiles, type NetworkdFilesArgs } from "./resources/networkdFiles";
export { networkdFilesProvider } from "./resources/networkdFilesProvider";
export { ForeignFileError, MissingDirectoryError } from "./resources/networkdErrors";
export { DeviceConflictError, ForeignDeviceError, InvalidInputsError, MissingDeviceError, PartialCreateError } from "./resources/errors";
export type { TapInterfaceState, BridgeState, CheckFailure, NetworkdFilesState } from "./model";
export { VethPair, type VethPairArgs, type VethPeerArgs, type VethEndArgs } from "./resources/vethPair";
export { vethPairProvider } from "./resources/vethPairProvider";
export type { VethPairState, VethEndState } from "./model";
export { Route, type RouteArgs } from "./resources/route";
export { routeProvider } from "./resources/routeProvider";
export type { RouteState } from "./model";
