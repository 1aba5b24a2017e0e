// Vxlan: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { Vxlan, type VxlanArgs } from "./vxlan";
export import vxlanProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const DEFAULT_VXLAN_PORT: typeof modelModule.DEFAULT_VXLAN_PORT;
export declare const MAX_VNI: typeof modelModule.MAX_VNI;
export declare const VXLAN_OVERHEAD: typeof modelModule.VXLAN_OVERHEAD;
export declare const ASSUMED_UNDERLAY_MTU: typeof modelModule.ASSUMED_UNDERLAY_MTU;
export declare const parseBareAddress: typeof modelModule.parseBareAddress;
export declare const addressFamily: typeof modelModule.addressFamily;
export declare const VXLAN_UNSET_OUTPUTS: typeof modelModule.VXLAN_UNSET_OUTPUTS;
export declare const underlayFamily: typeof modelModule.underlayFamily;
export declare const creationMtu: typeof modelModule.creationMtu;
export declare const planPeers: typeof modelModule.planPeers;
exportLazily(exports, () => require("./model") as typeof modelModule, ["DEFAULT_VXLAN_PORT", "MAX_VNI", "VXLAN_OVERHEAD", "ASSUMED_UNDERLAY_MTU", "parseBareAddress", "addressFamily", "VXLAN_UNSET_OUTPUTS", "underlayFamily", "creationMtu", "planPeers"]);
export type * from "./schema";
export declare const underlayAddress: typeof schemaModule.underlayAddress;
export declare const vxlanInputsSchema: typeof schemaModule.vxlanInputsSchema;
export declare const checkVxlan: typeof schemaModule.checkVxlan;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["underlayAddress", "vxlanInputsSchema", "checkVxlan"]);
export type * from "./diff";
export declare const diffVxlan: typeof diffModule.diffVxlan;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffVxlan"]);
