// TapInterface: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { TapInterface, type TapInterfaceArgs } from "./tapInterface";
export import tapInterfaceProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const TUN_MTU_RANGE: typeof modelModule.TUN_MTU_RANGE;
export declare const TAP_INTERFACE_UNSET_OUTPUTS: typeof modelModule.TAP_INTERFACE_UNSET_OUTPUTS;
exportLazily(exports, () => require("./model") as typeof modelModule, ["TUN_MTU_RANGE", "TAP_INTERFACE_UNSET_OUTPUTS"]);
export type * from "./schema";
export declare const tunFields: typeof schemaModule.tunFields;
export declare const tapInterfaceInputsSchema: typeof schemaModule.tapInterfaceInputsSchema;
export declare const checkTapInterface: typeof schemaModule.checkTapInterface;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["tunFields", "tapInterfaceInputsSchema", "checkTapInterface"]);
export type * from "./diff";
export declare const diffTapInterface: typeof diffModule.diffTapInterface;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffTapInterface"]);
