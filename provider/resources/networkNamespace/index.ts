// NetworkNamespace: what the package exports of this kind (its resource, its provider, its refusals, its model).
export { NetworkNamespace, type NetworkNamespaceArgs } from "./networkNamespace";
export import networkNamespaceProvider = require("./provider");
export { ForeignNamespaceError, NamespaceInUseError } from "./errors";
export * from "./model";
