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
export { NetworkNamespace, type NetworkNamespaceArgs } from "./resources/networkNamespace";
export { networkNamespaceProvider } from "./resources/networkNamespaceProvider";
export { ForeignNamespaceError, NamespaceInUseError } from "./resources/networkNamespaceErrors";
export type { NetworkNamespaceState } from "./model";
