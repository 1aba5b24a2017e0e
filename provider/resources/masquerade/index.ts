// Masquerade: what the package exports of this kind (its model for now; its resource and provider join it below).
export * from "./model";
export * from "./diff";
export * from "./prefix";
