// IPv4/IPv6 addresses and CIDRs: parsing user text, and printing the one canonical form that both our outputs
// and iproute2 use (dotted quad; RFC 5952 for IPv6, with the IPv4 tail glibc's inet_ntop prints). Pure.

export type IpFamily = 4 | 6;

export interface ParsedCidr {
  family: IpFamily;
  /** 4 or 16 bytes. */
  bytes: Uint8Array;
  prefixLength: number;
}

export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    // Decimal only, no leading zeros (which some parsers read as octal): "010.0.0.1" is refused.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const doubleColon = text.indexOf("::");
  if (doubleColon !== -1 && text.indexOf("::", doubleColon + 1) !== -1) return undefined;
  // An embedded IPv4 address may only end the whole address (::ffff:1.2.3.4), never precede "::".
  const parseGroups = (part: string, allowDottedTail: boolean): number[] | undefined => {
    if (part === "") return [];
    const groups: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (allowDottedTail && i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      groups.push(parseInt(piece, 16));
    }
    return groups;
  };
  let groups: number[];
  if (doubleColon === -1) {
    const all = parseGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = parseGroups(text.slice(0, doubleColon), false);
    const tail = parseGroups(text.slice(doubleColon + 2), true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** An address without a prefix: "192.0.2.10", "fd00::10", either family. */
export function parseBareAddress(text: string): { family: IpFamily; bytes: Uint8Array } | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, bytes: v4 };
  const v6 = text.includes(":") ? parseIPv6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, bytes: v6 };
}

export function formatIPv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join(".");
}

export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0));
  // The longest run of two or more zero groups is shortened to "::" (the first, on a tie).
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength && end - i >= 2) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses keep a dotted tail, as inet_ntop prints them.
  const embedsIPv4 = bestStart === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff));
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(":");
  if (embedsIPv4) {
    const prefix = bestLength === 5 ? "::ffff:" : "::";
    return prefix + formatIPv4(bytes.subarray(12, 16));
  }
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

export function formatAddress(family: IpFamily, bytes: Uint8Array): string {
  return family === 4 ? formatIPv4(bytes) : formatIPv6(bytes);
}

export function formatCidr(cidr: ParsedCidr): string {
  return `${formatAddress(cidr.family, cidr.bytes)}/${cidr.prefixLength}`;
}

export type CidrProblem = "format" | "address" | "prefix";

/**
 * Parses an interface address with its prefix ("192.168.0.1/24", "fd00::1/64"). The prefix is required:
 * an address without one is ambiguous (ifconfig's classful default is long gone).
 */
export function parseCidr(text: string): ParsedCidr | CidrProblem {
  const slash = text.indexOf("/");
  if (slash === -1 || slash !== text.lastIndexOf("/")) return "format";
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const v4 = parseIPv4(addressText);
  const bytes = v4 ?? (addressText.includes(":") ? parseIPv6(addressText) : undefined);
  if (bytes === undefined) return "address";
  const family: IpFamily = v4 !== undefined ? 4 : 6;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return "prefix";
  const prefixLength = Number(prefixText);
  if (prefixLength > (family === 4 ? 32 : 128)) return "prefix";
  return { family, bytes, prefixLength };
}

/** Canonical text of a CIDR, or undefined when it does not parse. */
export function normalizeCidr(text: string): string | undefined {
  const parsed = parseCidr(text);
  return typeof parsed === "string" ? undefined : formatCidr(parsed);
}

/**
 * Addresses no interface can carry: IPv6 unspecified, loopback and multicast (the kernel answers
 * EADDRNOTAVAIL), IPv4 unspecified, multicast and limited broadcast.
 */
export function interfaceAddressProblem(cidr: ParsedCidr): string | undefined {
  const b = cidr.bytes;
  if (cidr.family === 4) {
    if (b.every((byte) => byte === 0)) return "0.0.0.0 cannot be an interface address";
    if (b.every((byte) => byte === 255)) return "255.255.255.255 cannot be an interface address";
    if (((b[0] ?? 0) & 0xf0) === 0xe0) return "a multicast address (224.0.0.0/4) cannot be an interface address";
    return undefined;
  }
  if (b.every((byte) => byte === 0)) return ":: cannot be an interface address";
  if (b.subarray(0, 15).every((byte) => byte === 0) && b[15] === 1) return "::1 belongs to the loopback device only";
  if (b[0] === 0xff) return "a multicast address (ff00::/8) cannot be an interface address";
  return undefined;
}

export function cidrProblemMessage(problem: CidrProblem, text: string): string {
  switch (problem) {
    case "format":
      return `"${text}" is not an address with a prefix length, like "192.168.0.1/24" or "fd00::1/64"`;
    case "address":
      return `"${text}" does not start with a valid IPv4 or IPv6 address`;
    case "prefix":
      return `"${text}" has a prefix length outside 0–32 (IPv4) or 0–128 (IPv6)`;
  }
}
