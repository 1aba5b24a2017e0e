// NetworkdFiles: what the package exports of this kind (its resource, its provider, its refusals, its model:
// the files' syntax, rendering and reading back).
export { NetworkdFiles, type NetworkdFilesArgs } from "./networkdFiles";
export import networkdFilesProvider = require("./provider");
export { ForeignFileError, MissingDirectoryError } from "./errors";
export * from "./model";
export * from "./diff";
export * from "./render";
export * from "./ini";
export * from "./parse";
export * from "./routes";
export type { NetworkdDevice, NetworkdSettings } from "../../links/networkd";
