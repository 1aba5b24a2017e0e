// Bridge: what the package exports of this kind (its resource, its provider, its model).
export { Bridge, type BridgeArgs } from "./bridge";
export import bridgeProvider = require("./provider");
export * from "./model";
export * from "./diff";
