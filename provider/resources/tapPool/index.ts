// TapPool: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as diffModule from "./diff";

export { TapPool, type TapPoolArgs, type TapPoolDeviceArgs, type TapPoolTemplateArgs } from "./tapPool";
export import tapPoolProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const tapPoolTemplateSchema: typeof modelModule.tapPoolTemplateSchema;
export declare const tapPoolDeviceSchema: typeof modelModule.tapPoolDeviceSchema;
export declare const tapPoolInputsSchema: typeof modelModule.tapPoolInputsSchema;
export declare const deviceIdentity: typeof modelModule.deviceIdentity;
export declare const deviceSpec: typeof modelModule.deviceSpec;
export declare const checkTapPool: typeof modelModule.checkTapPool;
exportLazily(exports, () => require("./model") as typeof modelModule, ["tapPoolTemplateSchema", "tapPoolDeviceSchema", "tapPoolInputsSchema", "deviceIdentity", "deviceSpec", "checkTapPool"]);
export type * from "./diff";
export declare const planPool: typeof diffModule.planPool;
export declare const diffTapPool: typeof diffModule.diffTapPool;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["planPool", "diffTapPool"]);
