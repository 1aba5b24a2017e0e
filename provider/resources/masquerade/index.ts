// Masquerade: what the package exports of this kind (its resource, its provider, its model).
export { Masquerade, type MasqueradeArgs } from "./masquerade";
export import masqueradeProvider = require("./provider");
export * from "./model";
export * from "./diff";
export * from "./prefix";
