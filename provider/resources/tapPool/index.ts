// TapPool: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { TapPool, type TapPoolArgs, type TapPoolDeviceArgs, type TapPoolTemplateArgs } from "./tapPool";
export import tapPoolProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const deviceIdentity: typeof modelModule.deviceIdentity;
export declare const deviceSpec: typeof modelModule.deviceSpec;
exportLazily(exports, () => require("./model") as typeof modelModule, ["deviceIdentity", "deviceSpec"]);
export type * from "./schema";
export declare const tapPoolTemplateSchema: typeof schemaModule.tapPoolTemplateSchema;
export declare const tapPoolDeviceSchema: typeof schemaModule.tapPoolDeviceSchema;
export declare const tapPoolInputsSchema: typeof schemaModule.tapPoolInputsSchema;
export declare const checkTapPool: typeof schemaModule.checkTapPool;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["tapPoolTemplateSchema", "tapPoolDeviceSchema", "tapPoolInputsSchema", "checkTapPool"]);
export type * from "./diff";
export declare const planPool: typeof diffModule.planPool;
export declare const diffTapPool: typeof diffModule.diffTapPool;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["planPool", "diffTapPool"]);
