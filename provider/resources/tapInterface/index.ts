// TapInterface: what the package exports of this kind (its resource, its provider, its model).
export { TapInterface, type TapInterfaceArgs } from "./tapInterface";
export import tapInterfaceProvider = require("./provider");
export * from "./model";
export * from "./diff";
