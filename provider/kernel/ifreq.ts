// `struct ifreq` as the TUN ioctls use it: 16 bytes of NUL-terminated name, then a 24-byte union of which
// TUNSETIFF/TUNGETIFF read and write `short ifr_flags` at offset 16. 40 bytes on every 64-bit ABI. Pure.

export const IFNAMSIZ = 16;
export const IFREQ_SIZE = 40;
const FLAGS_OFFSET = 16;

export interface InterfaceRequest {
  name: string;
  flags: number;
}

/**
 * Encodes a request. TUNSETIFF silently truncates a name of 16 bytes or more, so an over-long name is an
 * error here rather than a device with an unexpected name.
 */
export function encodeInterfaceRequest(request: InterfaceRequest): Buffer {
  const name = Buffer.from(request.name, "utf8");
  if (name.length >= IFNAMSIZ) {
    throw new RangeError(`interface name "${request.name}" is ${name.length} bytes; the kernel allows at most ${IFNAMSIZ - 1}`);
  }
  if (name.includes(0)) {
    throw new RangeError("interface name contains a NUL byte");
  }
  const encoded = Buffer.alloc(IFREQ_SIZE);
  name.copy(encoded, 0);
  encoded.writeUInt16LE(request.flags & 0xffff, FLAGS_OFFSET);
  return encoded;
}

export function decodeInterfaceRequest(encoded: Buffer): InterfaceRequest {
  if (encoded.length < IFREQ_SIZE) {
    throw new RangeError(`struct ifreq needs ${IFREQ_SIZE} bytes, got ${encoded.length}`);
  }
  const end = encoded.indexOf(0);
  const nameEnd = end === -1 || end > IFNAMSIZ ? IFNAMSIZ : end;
  return { name: encoded.toString("utf8", 0, nameEnd), flags: encoded.readUInt16LE(FLAGS_OFFSET) };
}
