// Route: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as schemaModule from "./schema";
import type * as diffModule from "./diff";

export { Route, type RouteArgs } from "./route";
export import routeProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const ROUTE_PROTOCOL: typeof modelModule.ROUTE_PROTOCOL;
export declare const MAIN_TABLE: typeof modelModule.MAIN_TABLE;
export declare const DEFAULT_METRIC: typeof modelModule.DEFAULT_METRIC;
export declare const ROUTE_UNSET_OUTPUTS: typeof modelModule.ROUTE_UNSET_OUTPUTS;
export declare const familyOf: typeof modelModule.familyOf;
export declare const routeFamily: typeof modelModule.routeFamily;
exportLazily(exports, () => require("./model") as typeof modelModule, ["ROUTE_PROTOCOL", "MAIN_TABLE", "DEFAULT_METRIC", "ROUTE_UNSET_OUTPUTS", "familyOf", "routeFamily"]);
export type * from "./schema";
export declare const routeInputsSchema: typeof schemaModule.routeInputsSchema;
export declare const checkRoute: typeof schemaModule.checkRoute;
exportLazily(exports, () => require("./schema") as typeof schemaModule, ["routeInputsSchema", "checkRoute"]);
export type * from "./diff";
export declare const diffRoute: typeof diffModule.diffRoute;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffRoute"]);
