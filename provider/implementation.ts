// What the serialized provider shims load at call time (package subpath "pulumi-tuntap/implementation").
import { bridgeImplementation } from "./resources/bridgeImplementation";
import { networkdFilesImplementation } from "./resources/networkdFilesImplementation";
import { tapInterfaceImplementation } from "./resources/tapInterfaceImplementation";

export const tapInterface = tapInterfaceImplementation;
export const bridge = bridgeImplementation;
export const networkdFiles = networkdFilesImplementation;

export interface Implementation {
  tapInterface: typeof tapInterfaceImplementation;
  bridge: typeof bridgeImplementation;
  networkdFiles: typeof networkdFilesImplementation;
}
