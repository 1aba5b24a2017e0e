// NetworkNamespace: what the package exports of this kind (its resource, its provider, its refusals, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";

export { NetworkNamespace, type NetworkNamespaceArgs } from "./networkNamespace";
export import networkNamespaceProvider = require("./provider");
export { ForeignNamespaceError, NamespaceInUseError } from "./errors";
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const diffNetworkNamespace: typeof modelModule.diffNetworkNamespace;
exportLazily(exports, () => require("./model") as typeof modelModule, ["diffNetworkNamespace"]);
export type * from "./schema";
export declare const networkNamespaceInputsSchema: typeof schemaModule.networkNamespaceInputsSchema;
export declare const checkNetworkNamespace: typeof schemaModule.checkNetworkNamespace;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["networkNamespaceInputsSchema", "checkNetworkNamespace"]);
