// NLMSG_ERROR (acknowledgement) and NLMSG_DONE payloads. Pure.
import { align4, attributeMap, NetlinkFormatError, readString } from "./codec";
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_HEADER_LENGTH, NLMSGERR_ATTR_MSG } from "./constants";

export interface Acknowledgement {
  /** 0 for success, else a positive errno. */
  errno: number;
  /** The extended ack message (NLMSGERR_ATTR_MSG), when the kernel sent one. */
  kernelMessage?: string;
}

/**
 * Decodes `struct nlmsgerr`: the (negative) error, the header of the request it answers (with its payload
 * unless NLM_F_CAPPED), then extended ack attributes when NLM_F_ACK_TLVS is set.
 */
export function decodeAcknowledgement(payload: Buffer, headerFlags: number): Acknowledgement {
  if (payload.length < 4) {
    throw new NetlinkFormatError(`NLMSG_ERROR payload of ${payload.length} bytes`);
  }
  const error = payload.readInt32LE(0);
  const acknowledgement: Acknowledgement = { errno: error < 0 ? -error : error };
  if ((headerFlags & NLM_F_ACK_TLVS) === 0) return acknowledgement;
  let offset = 4 + NLMSG_HEADER_LENGTH;
  if ((headerFlags & NLM_F_CAPPED) === 0) {
    if (payload.length < 4 + NLMSG_HEADER_LENGTH) {
      throw new NetlinkFormatError("NLMSG_ERROR without the request header it answers");
    }
    offset = 4 + payload.readUInt32LE(4);
  }
  offset = align4(offset);
  if (offset > payload.length) {
    throw new NetlinkFormatError("NLMSG_ERROR extended ack starts past the end of the message");
  }
  const message = attributeMap(payload.subarray(offset)).get(NLMSGERR_ATTR_MSG);
  if (message !== undefined) acknowledgement.kernelMessage = readString(message);
  return acknowledgement;
}

/** NLMSG_DONE carries an int: 0, or a negative errno when the dump itself failed. */
export function decodeDone(payload: Buffer): number {
  if (payload.length < 4) return 0;
  const error = payload.readInt32LE(0);
  return error < 0 ? -error : 0;
}
