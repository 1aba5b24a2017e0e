// Bridge: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { Bridge, type BridgeArgs } from "./bridge";
export import bridgeProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export type * from "./schema";
export declare const bridgeInputsSchema: typeof schemaModule.bridgeInputsSchema;
export declare const checkBridge: typeof schemaModule.checkBridge;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["bridgeInputsSchema", "checkBridge"]);
export type * from "./diff";
export declare const diffBridge: typeof diffModule.diffBridge;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffBridge"]);
