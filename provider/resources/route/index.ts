// Route: what the package exports of this kind (its resource, its provider, its model).
import { exportLazily } from "../../lifecycle/lazyExports";
import type * as modelModule from "./model";
import type * as diffModule from "./diff";

export { Route, type RouteArgs } from "./route";
export import routeProvider = require("./provider");
// The model's exports, loaded at first use (../../lifecycle/lazyExports.ts).
export type * from "./model";
export declare const ROUTE_PROTOCOL: typeof modelModule.ROUTE_PROTOCOL;
export declare const MAIN_TABLE: typeof modelModule.MAIN_TABLE;
export declare const DEFAULT_METRIC: typeof modelModule.DEFAULT_METRIC;
export declare const routeInputsSchema: typeof modelModule.routeInputsSchema;
export declare const ROUTE_UNSET_OUTPUTS: typeof modelModule.ROUTE_UNSET_OUTPUTS;
export declare const routeFamily: typeof modelModule.routeFamily;
export declare const checkRoute: typeof modelModule.checkRoute;
exportLazily(exports, () => require("./model") as typeof modelModule, ["ROUTE_PROTOCOL", "MAIN_TABLE", "DEFAULT_METRIC", "routeInputsSchema", "ROUTE_UNSET_OUTPUTS", "routeFamily", "checkRoute"]);
export type * from "./diff";
export declare const diffRoute: typeof diffModule.diffRoute;
exportLazily(exports, () => require("./diff") as typeof diffModule, ["diffRoute"]);
