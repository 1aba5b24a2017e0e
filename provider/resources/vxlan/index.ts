// Vxlan: what the package exports of this kind (its resource, its provider, its model).
export { Vxlan, type VxlanArgs } from "./vxlan";
export import vxlanProvider = require("./provider");
export * from "./model";
export * from "./diff";
