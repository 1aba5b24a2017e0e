// The model layer every kind shares: the shape of check and its failures, fields and rules every link has,
// addresses, MACs and names by the kernel's rules, ownership stamps, values not known yet, and what every diff
// compares. Pure functions, no I/O. A kind's own model (schema, check, diff) lives in its folder under
// provider/resources and is exported with the kind from the package root.
export * from "./check";
export * from "./providerKey";
export * from "./linkDiff";
export * from "./failures";
export * as fields from "./fields";
export * from "./ip";
export * from "./mac";
export * from "./names";
export * from "./stamp";
export * from "./unknown";
export * from "./linkRules";
