// VethPair: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as diffModule from "./diff";

export { VethPair, type VethEndArgs, type VethPairArgs, type VethPeerArgs } from "./vethPair";
export import vethPairProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const vethPeerSchema: typeof modelModule.vethPeerSchema;
export declare const vethPairInputsSchema: typeof modelModule.vethPairInputsSchema;
export declare const VETH_PAIR_UNSET_OUTPUTS: typeof modelModule.VETH_PAIR_UNSET_OUTPUTS;
export declare const peerStampOf: typeof modelModule.peerStampOf;
export declare const checkVethPair: typeof modelModule.checkVethPair;
exportLazily(exports, () => require("./model") as typeof modelModule, ["vethPeerSchema", "vethPairInputsSchema", "VETH_PAIR_UNSET_OUTPUTS", "peerStampOf", "checkVethPair"]);
export type * from "./diff";
export declare const diffVethPair: typeof diffModule.diffVethPair;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffVethPair"]);
