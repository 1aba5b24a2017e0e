// TapPool: what the package exports of this kind (its resource, its provider, its model).
export { TapPool, type TapPoolArgs, type TapPoolDeviceArgs, type TapPoolTemplateArgs } from "./tapPool";
export import tapPoolProvider = require("./provider");
export * from "./model";
export * from "./diff";
