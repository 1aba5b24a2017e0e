// The Vxlan model: schema and check, diff, and the reconciliation of its peers.
export * from "./vxlan";
export * from "./vxlanDiff";
export * from "./vxlanPeers";
