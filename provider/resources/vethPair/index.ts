// VethPair: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { VethPair, type VethEndArgs, type VethPairArgs, type VethPeerArgs } from "./vethPair";
export import vethPairProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const VETH_PAIR_UNSET_OUTPUTS: typeof modelModule.VETH_PAIR_UNSET_OUTPUTS;
export declare const peerStampOf: typeof modelModule.peerStampOf;
exportLazily(exports, () => require("./model") as typeof modelModule, ["VETH_PAIR_UNSET_OUTPUTS", "peerStampOf"]);
export type * from "./schema";
export declare const vethPeerSchema: typeof schemaModule.vethPeerSchema;
export declare const vethPairInputsSchema: typeof schemaModule.vethPairInputsSchema;
export declare const checkVethPair: typeof schemaModule.checkVethPair;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["vethPeerSchema", "vethPairInputsSchema", "checkVethPair"]);
export type * from "./diff";
export declare const diffVethPair: typeof diffModule.diffVethPair;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffVethPair"]);
