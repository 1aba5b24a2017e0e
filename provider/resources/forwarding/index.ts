// Forwarding: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as diffModule from "./diff";

export { Forwarding, type ForwardingArgs } from "./forwarding";
export import forwardingProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const forwardingInputsSchema: typeof modelModule.forwardingInputsSchema;
export declare const checkForwarding: typeof modelModule.checkForwarding;
export declare const forwardingSwitches: typeof modelModule.forwardingSwitches;
export declare const forwardingClaimName: typeof modelModule.forwardingClaimName;
export declare const foundBeforeAnyStack: typeof modelModule.foundBeforeAnyStack;
export declare const releaseSwitch: typeof modelModule.releaseSwitch;
exportLazily(exports, () => require("./model") as typeof modelModule, ["forwardingInputsSchema", "checkForwarding", "forwardingSwitches", "forwardingClaimName", "foundBeforeAnyStack", "releaseSwitch"]);
export type * from "./diff";
export declare const diffForwarding: typeof diffModule.diffForwarding;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffForwarding"]);
