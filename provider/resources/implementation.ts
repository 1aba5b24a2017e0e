// The providers' real work, one entry per resource type: what the serialized shims (providerShim.ts) load
// at call time, through the package subpath "pulumi-tuntap/implementation".
import { bridgeKind } from "./bridge/kind";
import { linkProvider } from "../lifecycle/provider";
import { networkdFilesImplementation } from "./networkdFiles/kind";
import { networkNamespaceImplementation } from "./networkNamespace/kind";
import { tapInterfaceKind } from "./tapInterface/kind";
import { vethPairKind } from "./vethPair/kind";
import { routeImplementation } from "./route/implementation";

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
