// NetworkNamespace: what the package exports of this kind (its resource, its provider, its refusals, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";

export { NetworkNamespace, type NetworkNamespaceArgs } from "./networkNamespace";
export import networkNamespaceProvider = require("./provider");
export { ForeignNamespaceError, NamespaceInUseError } from "./errors";
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const networkNamespaceInputsSchema: typeof modelModule.networkNamespaceInputsSchema;
export declare const checkNetworkNamespace: typeof modelModule.checkNetworkNamespace;
export declare const diffNetworkNamespace: typeof modelModule.diffNetworkNamespace;
exportLazily(exports, () => require("./model") as typeof modelModule, ["networkNamespaceInputsSchema", "checkNetworkNamespace", "diffNetworkNamespace"]);
