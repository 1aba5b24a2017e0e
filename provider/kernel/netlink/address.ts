// RTM_*ADDR messages: the ifaddrmsg header and interface addresses. Pure.
//
// Addresses travel as bytes here (4 for IPv4, 16 for IPv6): parsing and printing text forms belongs to the
// model layer, which owns normalisation.
import { attribute, type AttributeInput, attributeMap, encodeAttributes, NetlinkFormatError, readU32, readU8 } from "./codec";
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  IFA_ADDRESS,
  IFA_BROADCAST,
  IFA_F_SECONDARY,
  IFA_FLAGS,
  IFA_LOCAL,
  IFA_PROTO,
  IFADDRMSG_LENGTH,
  IFAPROT_KERNEL_LL,
  IFAPROT_KERNEL_LO,
  IFAPROT_KERNEL_RA,
} from "./constants";

export type AddressFamily = 4 | 6;

export interface InterfaceAddress {
  family: AddressFamily;
  /** 4 or 16 bytes. */
  address: Buffer;
  prefixLength: number;
}

export interface AddressRecord extends InterfaceAddress {
  index: number;
  flags: number;
  scope: number;
  /** IFA_PROTO: who added it (0 unspecified/user, 1 loopback, 2 router advertisement, 3 link-local). */
  protocol?: number;
}

/** True for addresses the kernel adds on its own: IPv6 link-local and autoconfigured ones. */
export function isKernelManaged(record: AddressRecord): boolean {
  return (
    record.protocol === IFAPROT_KERNEL_LL || record.protocol === IFAPROT_KERNEL_RA || record.protocol === IFAPROT_KERNEL_LO
  );
}

/**
 * An IPv4 address in the subnet of another (primary) address of the link. Deleting the primary also deletes
 * its secondaries unless the link has promote_secondaries set (net/ipv4/devinet.c, __inet_del_ifa).
 */
export function isSecondary(record: AddressRecord): boolean {
  return (record.flags & IFA_F_SECONDARY) !== 0;
}

export function familyNumber(family: AddressFamily): number {
  return family === 4 ? AF_INET : AF_INET6;
}

function familyFromNumber(family: number): AddressFamily | undefined {
  if (family === AF_INET) return 4;
  if (family === AF_INET6) return 6;
  return undefined;
}

interface AddressHeader {
  family: number;
  prefixLength: number;
  flags: number;
  scope: number;
  index: number;
}

export function encodeAddressHeader(header: AddressHeader): Buffer {
  const encoded = Buffer.alloc(IFADDRMSG_LENGTH);
  encoded.writeUInt8(header.family, 0);
  encoded.writeUInt8(header.prefixLength, 1);
  encoded.writeUInt8(header.flags & 0xff, 2);
  encoded.writeUInt8(header.scope, 3);
  encoded.writeUInt32LE(header.index >>> 0, 4);
  return encoded;
}

export function decodeAddressHeader(payload: Buffer): AddressHeader {
  if (payload.length < IFADDRMSG_LENGTH) {
    throw new NetlinkFormatError(`ifaddrmsg needs ${IFADDRMSG_LENGTH} bytes, got ${payload.length}`);
  }
  return {
    family: payload.readUInt8(0),
    prefixLength: payload.readUInt8(1),
    flags: payload.readUInt8(2),
    scope: payload.readUInt8(3),
    index: payload.readUInt32LE(4),
  };
}

/** Decodes an RTM_NEWADDR message; undefined for families other than IPv4 and IPv6. */
export function decodeAddress(payload: Buffer): AddressRecord | undefined {
  const header = decodeAddressHeader(payload);
  const family = familyFromNumber(header.family);
  if (family === undefined) return undefined;
  const attributes = attributeMap(payload.subarray(IFADDRMSG_LENGTH));
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links and the same
  // as IFA_LOCAL otherwise. IPv6 sends IFA_ADDRESS alone.
  const address = attributes.get(IFA_LOCAL) ?? attributes.get(IFA_ADDRESS);
  const expectedLength = family === 4 ? 4 : 16;
  if (address === undefined || address.length !== expectedLength) {
    throw new NetlinkFormatError(`IPv${family} address record on ifindex ${header.index} without a valid address`);
  }
  const flagsAttribute = attributes.get(IFA_FLAGS);
  const protocol = attributes.get(IFA_PROTO);
  const record: AddressRecord = {
    index: header.index,
    family,
    address: Buffer.from(address),
    prefixLength: header.prefixLength,
    // IFA_FLAGS carries all 32 flag bits; ifa_flags only the low 8.
    flags: flagsAttribute === undefined ? header.flags : readU32(flagsAttribute),
    scope: header.scope,
  };
  if (protocol !== undefined) record.protocol = readU8(protocol);
  return record;
}

export function dumpAddressesPayload(family: AddressFamily | undefined = undefined): Buffer {
  return encodeAddressHeader({
    family: family === undefined ? AF_UNSPEC : familyNumber(family),
    prefixLength: 0,
    flags: 0,
    scope: 0,
    index: 0,
  });
}

/** The IPv4 broadcast address of a prefix, as systemd-networkd and ifconfig set it (none for /31 and /32). */
export function ipv4Broadcast(address: Buffer, prefixLength: number): Buffer | undefined {
  if (prefixLength >= 31) return undefined;
  const hostMask = prefixLength === 0 ? 0xffffffff : (1 << (32 - prefixLength)) - 1;
  const broadcast = Buffer.alloc(4);
  broadcast.writeUInt32BE((address.readUInt32BE(0) | hostMask) >>> 0);
  return broadcast;
}

export function addAddressPayload(index: number, address: InterfaceAddress): Buffer {
  const attributes: AttributeInput[] = [attribute.bytes(IFA_LOCAL, address.address), attribute.bytes(IFA_ADDRESS, address.address)];
  if (address.family === 4) {
    const broadcast = ipv4Broadcast(address.address, address.prefixLength);
    if (broadcast !== undefined) attributes.push(attribute.bytes(IFA_BROADCAST, broadcast));
  }
  return addressPayload(index, address, attributes);
}

export function deleteAddressPayload(index: number, address: InterfaceAddress): Buffer {
  return addressPayload(index, address, [attribute.bytes(IFA_LOCAL, address.address), attribute.bytes(IFA_ADDRESS, address.address)]);
}

function addressPayload(index: number, address: InterfaceAddress, attributes: readonly AttributeInput[]): Buffer {
  const header = encodeAddressHeader({ family: familyNumber(address.family), prefixLength: address.prefixLength, flags: 0, scope: 0, index });
  return Buffer.concat([header, encodeAttributes(attributes)]);
}
