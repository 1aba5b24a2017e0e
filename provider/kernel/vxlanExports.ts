// VXLAN devices and their peers (FDB entries): the codecs, the requests, and the errors.
export * from "./netlink/vxlan";
export * from "./netlink/fdb";
export * from "./vxlan";
export * from "./vxlanPeers";
export * from "./vxlanErrors";
