// The model layer: zod schemas, defaults, normalisation and diffs. Pure functions, no I/O.
export * from "./check";
export * from "./linkDiff";
export * from "./failures";
export * as fields from "./fields";
export * from "./ip";
export * from "./mac";
export * from "./names";
export * from "./stamp";
export * from "./unknown";
export * from "./tapInterface";
export * from "./tapInterfaceDiff";
export * from "./bridge";
export * from "./bridgeDiff";
export * from "./linkRules";
export * from "./networkdFiles";
export * from "./networkdRender";
export * from "./networkdParse";
export * from "./networkdFilesDiff";
