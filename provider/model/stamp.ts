// The ownership stamp: an alternative interface name (IFLA_ALT_IFNAME) that every device this provider
// creates or adopts carries, e.g. "pulumi:tuntap-lab:dev:lab:4f0c2a91". Pure.
//
// Why an altname: it travels with the device (through renames and namespace moves), `ip link` shows it, it
// costs nothing, and the kernel keeps it unique per namespace. It names the project, stack and resource that
// own the device, plus a random nonce so that two generations of one resource (create-before-delete) never
// clash. A device whose stamp is missing or different is not ours: we neither change nor delete it.
import { createHash, randomBytes } from "node:crypto";

export const STAMP_PREFIX = "pulumi:";
/** ALTIFNAMSIZ is 128 bytes including the terminating NUL. */
export const MAX_ALTNAME_BYTES = 127;
const NONCE_HEX_DIGITS = 8;

/** Percent-encodes what altnames or our separators cannot hold; "/" in an identity becomes ":". */
function encodeIdentity(identity: string): string {
  return Array.from(new TextEncoder().encode(identity), (byte) => {
    const char = String.fromCharCode(byte);
    if (char === "/") return ":";
    if (/[A-Za-z0-9._~+=,@-]/.test(char)) return char;
    return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

/** The part of a stamp that names its owner: "pulumi:<project>:<stack>:<resource>". */
export function stampOwnerPart(identity: string): string {
  const readable = STAMP_PREFIX + encodeIdentity(identity);
  if (readable.length + 1 + NONCE_HEX_DIGITS <= MAX_ALTNAME_BYTES) return readable;
  // Too long to spell out: a hash still identifies the owner exactly.
  return `${STAMP_PREFIX}#${createHash("sha256").update(identity).digest("hex").slice(0, 40)}`;
}

export function newStamp(identity: string, nonce: string = randomBytes(NONCE_HEX_DIGITS / 2).toString("hex")): string {
  return `${stampOwnerPart(identity)}:${nonce}`;
}

/** Whether `altName` is a stamp made for `identity` (any generation). */
export function isStampFor(altName: string, identity: string): boolean {
  const owner = stampOwnerPart(identity);
  return (
    altName.startsWith(`${owner}:`) && new RegExp(`^[0-9a-f]{${NONCE_HEX_DIGITS}}$`).test(altName.slice(owner.length + 1))
  );
}

/** The stamp among a device's altnames, if it carries one. */
export function findStamp(altNames: readonly string[]): string | undefined {
  return altNames.find((altName) => altName.startsWith(STAMP_PREFIX));
}

/**
 * The logical name of another resource of the same project and stack that `stamp` was made for, if it was:
 * a resource renamed without an alias finds its own old device stamped for its old name.
 */
export function siblingResourceOf(stamp: string, identity: string): string | undefined {
  const [project, stack, ...resource] = identity.split("/");
  if (project === undefined || stack === undefined) return undefined;
  const stackPart = stampOwnerPart(`${project}/${stack}/`);
  const nonceStart = stamp.lastIndexOf(":");
  if (!stamp.startsWith(stackPart) || nonceStart <= stackPart.length) return undefined;
  const encoded = stamp.slice(stackPart.length, nonceStart);
  let sibling: string;
  try {
    sibling = decodeURIComponent(encoded);
  } catch {
    sibling = encoded;
  }
  return sibling === resource.join("/") ? undefined : sibling;
}
