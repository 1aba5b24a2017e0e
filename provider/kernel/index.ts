// The kernel layer: koffi bindings, TUN/TAP ioctls, rtnetlink, errno → typed errors. Knows nothing of Pulumi.
export * from "./errors";
export * from "./ifreq";
export * from "./tun";
export * from "./netns";
export * from "./users";
export { RouteNetlink, rtnetlink } from "./rtnetlink";
export { type DeleteRequest, LinkTeardown, teardownFor, type TeardownStatistics } from "./teardown";
export * as netlinkCodec from "./netlink/codec";
export * as netlinkConstants from "./netlink/constants";
export * from "./netlink/link";
export * from "./netlink/address";
export { decodeAcknowledgement, decodeDone, type Acknowledgement } from "./netlink/ack";
export { type BatchResult, encodeNetlinkAddress, NetlinkSocket, type NetlinkRequest } from "./netlink/socket";
export * from "./namespaces";
export { closeRtnetlink } from "./rtnetlink";
