// The RTM_NEWLINK request that makes a veth pair, as iproute2's ip/link_veth.c sends it and the kernel's
// drivers/net/veth.c (veth_newlink) reads it: the first end's attributes at the top level, and the peer's
// inside IFLA_LINKINFO → IFLA_INFO_DATA → VETH_INFO_PEER, which holds a whole struct ifinfomsg followed by
// the peer's own attributes. IFLA_NET_NS_FD there places the peer in another network namespace. Pure.
import { attribute, type AttributeInput } from "./codec";
import { IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_NET_NS_FD } from "./constants";
import { linkPayload } from "./link";

/** include/uapi/linux/veth.h */
export const VETH_INFO_PEER = 1;

export interface NewVethRequest {
  /** The first end's name (a "%d" template lets the kernel pick). */
  name: string;
  peer: {
    name: string;
    /** A descriptor of the network namespace the peer is made in; absent: the first end's. */
    namespaceFd?: number;
  };
}

export function newVethPayload(request: NewVethRequest): Buffer {
  const peerAttributes: AttributeInput[] = [attribute.string(IFLA_IFNAME, request.peer.name)];
  if (request.peer.namespaceFd !== undefined) peerAttributes.push(attribute.u32(IFLA_NET_NS_FD, request.peer.namespaceFd));
  return linkPayload({}, [
    attribute.string(IFLA_IFNAME, request.name),
    attribute.nested(IFLA_LINKINFO, [
      attribute.string(IFLA_INFO_KIND, "veth"),
      // The peer is not a list of attributes but an ifinfomsg and then attributes: a raw payload.
      attribute.nested(IFLA_INFO_DATA, [{ type: VETH_INFO_PEER, value: linkPayload({}, peerAttributes) }]),
    ]),
  ]);
}
