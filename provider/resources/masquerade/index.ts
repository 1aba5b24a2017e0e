// Masquerade: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";
import type * as prefixModule from "./prefix";

export { Masquerade, type MasqueradeArgs } from "./masquerade";
export { type ForeignChain, forwardDropWarning } from "./forwardDrop";
export import masqueradeProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const MASQUERADE_TABLE_PREFIX: typeof modelModule.MASQUERADE_TABLE_PREFIX;
export declare const masqueradeTableName: typeof modelModule.masqueradeTableName;
exportLazily(exports, () => require("./model") as typeof modelModule, ["MASQUERADE_TABLE_PREFIX", "masqueradeTableName"]);
export type * from "./schema";
export declare const masqueradeInputsSchema: typeof schemaModule.masqueradeInputsSchema;
export declare const checkMasquerade: typeof schemaModule.checkMasquerade;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["masqueradeInputsSchema", "checkMasquerade"]);
export type * from "./diff";
export declare const diffMasquerade: typeof diffModule.diffMasquerade;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffMasquerade"]);
export type * from "./prefix";
export declare const maskedTo: typeof prefixModule.maskedTo;
export declare const prefixWithin: typeof prefixModule.prefixWithin;
export declare const parseSourcePrefix: typeof prefixModule.parseSourcePrefix;
export declare const formatPrefix: typeof prefixModule.formatPrefix;
export declare const comparePrefixes: typeof prefixModule.comparePrefixes;
exportLazily(exports, () => require("./prefix") as typeof prefixModule, ["maskedTo", "prefixWithin", "parseSourcePrefix", "formatPrefix", "comparePrefixes"]);
