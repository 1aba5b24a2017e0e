// The providers' real work, one entry per resource type: what the serialized shims (providerShim.ts) load
// at call time, through the package subpath "pulumi-tuntap/implementation".
import { bridgeKind } from "./bridgeKind";
import { linkProvider } from "./linkProvider";
import { networkdFilesImplementation } from "./networkdFilesImplementation";
import { networkNamespaceImplementation } from "./networkNamespaceImplementation";
import { tapInterfaceKind } from "./tapInterfaceKind";
import { vethPairKind } from "./vethPairKind";
import { routeImplementation } from "./routeImplementation";

export const tapInterface = linkProvider(tapInterfaceKind);
export const bridge = linkProvider(bridgeKind);
export const networkdFiles = networkdFilesImplementation;
export const vethPair = linkProvider(vethPairKind);
export const route = routeImplementation;
export const networkNamespace = networkNamespaceImplementation;

export interface Implementation {
  tapInterface: typeof tapInterface;
  bridge: typeof bridge;
  networkdFiles: typeof networkdFiles;
  vethPair: typeof vethPair;
  route: typeof route;
  networkNamespace: typeof networkNamespace;
}
