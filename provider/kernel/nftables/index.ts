// nf_tables over netlink: our own tables, read back, created, replaced and deleted whole. Knows nothing of Pulumi.
export * as nftablesConstants from "./constants";
export * from "./codec";
export * from "./expressions";
export * from "./matches";
export * from "./tables";
export * from "./compare";
export * from "./errors";
export * from "./masqueradeRuleset";
export * from "./forwardingClaims";
export * from "./forwardDrops";
