// VethPair: what the package exports of this kind (its resource, its provider, its model).
export { VethPair, type VethEndArgs, type VethPairArgs, type VethPeerArgs } from "./vethPair";
export import vethPairProvider = require("./provider");
export * from "./model";
export * from "./diff";
