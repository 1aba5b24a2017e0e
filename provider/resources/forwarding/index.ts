// Forwarding: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { Forwarding, type ForwardingArgs } from "./forwarding";
export import forwardingProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const forwardingSwitches: typeof modelModule.forwardingSwitches;
export declare const forwardingClaimName: typeof modelModule.forwardingClaimName;
export declare const foundBeforeAnyStack: typeof modelModule.foundBeforeAnyStack;
export declare const releaseSwitch: typeof modelModule.releaseSwitch;
exportLazily(exports, () => require("./model") as typeof modelModule, ["forwardingSwitches", "forwardingClaimName", "foundBeforeAnyStack", "releaseSwitch"]);
export type * from "./schema";
export declare const forwardingInputsSchema: typeof schemaModule.forwardingInputsSchema;
export declare const checkForwarding: typeof schemaModule.checkForwarding;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["forwardingInputsSchema", "checkForwarding"]);
export type * from "./diff";
export declare const diffForwarding: typeof diffModule.diffForwarding;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffForwarding"]);
