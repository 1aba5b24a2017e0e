// The netlink wire format: message headers and (nested) attributes. Pure: no sockets, no koffi.
//
// Conventions, kept throughout:
// - Parsers take a Buffer (and an offset) and return `{ value, consumed }`; they throw NetlinkFormatError on
//   malformed or truncated input instead of guessing.
// - Encoders return fresh Buffers in host byte order (netlink is host-endian), padded to 4-byte alignment.
import { NLMSG_HEADER_LENGTH } from "./constants";

export class NetlinkFormatError extends Error {
  constructor(message: string) {
    super(`malformed netlink data: ${message}`);
    this.name = "NetlinkFormatError";
  }
}

export interface Parsed<T> {
  value: T;
  consumed: number;
}

export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
const NLA_HEADER_LENGTH = 4;

export function align4(length: number): number {
  return (length + 3) & ~3;
}

// ---------------------------------------------------------------------------------------------- headers

export interface MessageHeader {
  length: number;
  type: number;
  flags: number;
  sequence: number;
  portId: number;
}

export function encodeMessage(header: Omit<MessageHeader, "length">, payload: Buffer): Buffer {
  const length = NLMSG_HEADER_LENGTH + payload.length;
  const message = Buffer.alloc(align4(length));
  message.writeUInt32LE(length, 0);
  message.writeUInt16LE(header.type, 4);
  message.writeUInt16LE(header.flags, 6);
  message.writeUInt32LE(header.sequence >>> 0, 8);
  message.writeUInt32LE(header.portId >>> 0, 12);
  payload.copy(message, NLMSG_HEADER_LENGTH);
  return message;
}

export function parseMessageHeader(buffer: Buffer, offset = 0): Parsed<MessageHeader> {
  if (buffer.length - offset < NLMSG_HEADER_LENGTH) {
    throw new NetlinkFormatError(
      `${buffer.length - offset} bytes left at offset ${offset}, a message header needs ${NLMSG_HEADER_LENGTH}`,
    );
  }
  const header: MessageHeader = {
    length: buffer.readUInt32LE(offset),
    type: buffer.readUInt16LE(offset + 4),
    flags: buffer.readUInt16LE(offset + 6),
    sequence: buffer.readUInt32LE(offset + 8),
    portId: buffer.readUInt32LE(offset + 12),
  };
  if (header.length < NLMSG_HEADER_LENGTH) {
    throw new NetlinkFormatError(`message length ${header.length} at offset ${offset} is shorter than its header`);
  }
  if (header.length > buffer.length - offset) {
    throw new NetlinkFormatError(
      `message at offset ${offset} claims ${header.length} bytes but only ${buffer.length - offset} remain`,
    );
  }
  return { value: header, consumed: NLMSG_HEADER_LENGTH };
}

export interface Message {
  header: MessageHeader;
  /** The bytes after the header, up to header.length (alignment padding excluded). */
  payload: Buffer;
}

export function parseMessage(buffer: Buffer, offset = 0): Parsed<Message> {
  const { value: header } = parseMessageHeader(buffer, offset);
  const payload = buffer.subarray(offset + NLMSG_HEADER_LENGTH, offset + header.length);
  const consumed = Math.min(align4(header.length), buffer.length - offset);
  return { value: { header, payload }, consumed };
}

/** Splits one datagram into its messages. */
export function parseMessages(buffer: Buffer): Message[] {
  const messages: Message[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const { value, consumed } = parseMessage(buffer, offset);
    messages.push(value);
    offset += consumed;
  }
  return messages;
}

// ------------------------------------------------------------------------------------------- attributes

export type AttributeValue = Buffer | readonly AttributeInput[];

export interface AttributeInput {
  type: number;
  /** Raw bytes, or child attributes for a nested attribute. */
  value: AttributeValue;
}

export function encodeAttribute(attribute: AttributeInput): Buffer {
  const nested = !Buffer.isBuffer(attribute.value);
  const payload = Buffer.isBuffer(attribute.value)
    ? attribute.value
    : encodeAttributes(attribute.value as readonly AttributeInput[]);
  const length = NLA_HEADER_LENGTH + payload.length;
  if (length > 0xffff) {
    throw new NetlinkFormatError(`attribute ${attribute.type} is ${length} bytes, more than a netlink attribute holds`);
  }
  const encoded = Buffer.alloc(align4(length));
  encoded.writeUInt16LE(length, 0);
  encoded.writeUInt16LE(attribute.type | (nested ? NLA_F_NESTED : 0), 2);
  payload.copy(encoded, NLA_HEADER_LENGTH);
  return encoded;
}

export function encodeAttributes(attributes: readonly AttributeInput[]): Buffer {
  return Buffer.concat(attributes.map(encodeAttribute));
}

export interface Attribute {
  /** The attribute type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  type: number;
  nested: boolean;
  payload: Buffer;
}

/** The length (header included) of the attribute at `offset`, checked against the bytes that remain. */
function attributeLength(buffer: Buffer, offset: number): number {
  const remaining = buffer.length - offset;
  if (remaining < NLA_HEADER_LENGTH) {
    throw new NetlinkFormatError(`${remaining} bytes left at offset ${offset}, an attribute header needs 4`);
  }
  const length = buffer.readUInt16LE(offset);
  if (length < NLA_HEADER_LENGTH) {
    throw new NetlinkFormatError(`attribute length ${length} at offset ${offset} is shorter than its header`);
  }
  if (length > remaining) {
    throw new NetlinkFormatError(`attribute at offset ${offset} claims ${length} bytes but only ${remaining} remain`);
  }
  return length;
}

export function parseAttribute(buffer: Buffer, offset = 0): Parsed<Attribute> {
  const remaining = buffer.length - offset;
  const length = attributeLength(buffer, offset);
  const rawType = buffer.readUInt16LE(offset + 2);
  return {
    value: {
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      payload: buffer.subarray(offset + NLA_HEADER_LENGTH, offset + length),
    },
    // The last attribute of a message may omit its padding.
    consumed: Math.min(align4(length), remaining),
  };
}

export function parseAttributes(buffer: Buffer): Attribute[] {
  const attributes: Attribute[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const { value, consumed } = parseAttribute(buffer, offset);
    attributes.push(value);
    offset += consumed;
  }
  return attributes;
}

/** Attributes by type; when a type repeats, the first wins (use parseAttributes to see all). */
export function attributeMap(buffer: Buffer): Map<number, Buffer> {
  const map = new Map<number, Buffer>();
  for (const attribute of parseAttributes(buffer)) {
    if (!map.has(attribute.type)) map.set(attribute.type, attribute.payload);
  }
  return map;
}

/**
 * The payload of the first attribute of this type (the one attributeMap would give), or undefined. The
 * attributes before it are stepped over, those after it not read at all: for a reader that wants one attribute
 * out of many messages (a dump of every link), where attributeMap would take every one of them apart.
 */
export function findAttribute(buffer: Buffer, type: number): Buffer | undefined {
  for (let offset = 0; offset < buffer.length; ) {
    const length = attributeLength(buffer, offset);
    if ((buffer.readUInt16LE(offset + 2) & NLA_TYPE_MASK) === type) return buffer.subarray(offset + NLA_HEADER_LENGTH, offset + length);
    offset += align4(length);
  }
  return undefined;
}

// ------------------------------------------------------------------------------------- scalar payloads

export const attribute = {
  u8: (type: number, value: number): AttributeInput => ({ type, value: Buffer.from([value & 0xff]) }),
  u32: (type: number, value: number): AttributeInput => {
    const payload = Buffer.alloc(4);
    payload.writeUInt32LE(value >>> 0);
    return { type, value: payload };
  },
  s32: (type: number, value: number): AttributeInput => {
    const payload = Buffer.alloc(4);
    payload.writeInt32LE(value);
    return { type, value: payload };
  },
  /** A NUL-terminated string, as the kernel's NLA_NUL_STRING / NLA_STRING policies accept. */
  string: (type: number, value: string): AttributeInput => ({ type, value: Buffer.from(`${value}\0`, "utf8") }),
  bytes: (type: number, value: Uint8Array): AttributeInput => ({ type, value: Buffer.from(value) }),
  nested: (type: number, children: readonly AttributeInput[]): AttributeInput => ({ type, value: children }),
};

function expectLength(payload: Buffer, length: number, what: string): void {
  if (payload.length < length) {
    throw new NetlinkFormatError(`${what} needs ${length} bytes, got ${payload.length}`);
  }
}

export function readU8(payload: Buffer): number {
  expectLength(payload, 1, "u8 attribute");
  return payload.readUInt8(0);
}

export function readU32(payload: Buffer): number {
  expectLength(payload, 4, "u32 attribute");
  return payload.readUInt32LE(0);
}

export function readS32(payload: Buffer): number {
  expectLength(payload, 4, "s32 attribute");
  return payload.readInt32LE(0);
}

/** A string attribute; the kernel NUL-terminates most but not all of them. */
export function readString(payload: Buffer): string {
  const end = payload.indexOf(0);
  return payload.toString("utf8", 0, end === -1 ? payload.length : end);
}
