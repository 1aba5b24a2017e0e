// Forwarding: what the package exports of this kind (its resource, its provider, its model).
export { Forwarding, type ForwardingArgs } from "./forwarding";
export import forwardingProvider = require("./provider");
export * from "./model";
export * from "./diff";
