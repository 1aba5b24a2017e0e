// Route: what the package exports of this kind (its resource, its provider, its model).
export { Route, type RouteArgs } from "./route";
export import routeProvider = require("./provider");
export * from "./model";
export * from "./diff";
