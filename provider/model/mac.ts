// Ethernet (MAC) addresses. Pure.

/** "aa:bb:cc:dd:ee:ff" (also accepted with "-" separators or in capitals) → 6 bytes, or undefined. */
export function parseMac(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(text)) return undefined;
  return Uint8Array.from(text.split(/[:-]/).map((part) => parseInt(part, 16)));
}

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}

/** Why an address cannot be a device's own address, or undefined when it can. */
export function macProblem(bytes: Uint8Array): string | undefined {
  if (bytes.every((byte) => byte === 0)) return "the all-zero address is not a valid device address";
  if (((bytes[0] ?? 0) & 0x01) !== 0) {
    return "it is a multicast (or broadcast) address: the low bit of the first byte must be 0 for a device's own address";
  }
  return undefined;
}
