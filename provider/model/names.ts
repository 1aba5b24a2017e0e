// Interface and namespace names, by the kernel's own rules (net/core/dev.c: dev_valid_name, dev_alloc_name),
// and the rule that derives a name when none is given. Pure.
import { createHash } from "node:crypto";

/** IFNAMSIZ is 16 bytes including the terminating NUL. */
export const MAX_INTERFACE_NAME_BYTES = 15;
const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Bytes the kernel's isspace() accepts: ASCII white space and, through its Latin-1 table, 0xA0. A UTF-8
 * name whose encoding contains 0xA0 (e.g. "à" is C3 A0) is refused by the kernel, so it is refused here.
 */
function isKernelSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;
}

export interface NameRules {
  /** Accept one `%d` for the kernel to fill in (TUN/TAP creation and rtnetlink both support it). */
  allowTemplate: boolean;
}

/** Why `name` is not a valid interface name, or undefined when it is. */
export function interfaceNameProblem(name: string, rules: NameRules): string | undefined {
  if (name.length === 0) return "must not be empty";
  const bytes = encoder.encode(name);
  if (bytes.length > MAX_INTERFACE_NAME_BYTES) {
    return `"${name}" is ${bytes.length} bytes long; Linux interface names hold at most ${MAX_INTERFACE_NAME_BYTES} bytes`;
  }
  if (name === "." || name === "..") return `"${name}" is reserved and cannot name an interface`;
  if (name.includes("/") || name.includes(":")) return `"${name}" contains "/" or ":", which interface names cannot`;
  if (bytes.some(isKernelSpace)) return `"${name}" contains white space, which interface names cannot`;
  if (bytes.some((byte) => byte < 0x20 || byte === 0x7f)) return `"${name}" contains a control character`;
  const percent = name.indexOf("%");
  if (percent !== -1) {
    if (!rules.allowTemplate) return `"${name}" contains "%": a template is not allowed here`;
    if (name[percent + 1] !== "d" || name.indexOf("%", percent + 1) !== -1) {
      return `"${name}" is not a valid template: it may contain one "%d" and no other "%"`;
    }
  }
  return undefined;
}

export function isNameTemplate(name: string): boolean {
  return name.includes("%d");
}

/** Whether a kernel-chosen name could have come from `template` ("tap%d" matches "tap12"). */
export function matchesNameTemplate(template: string, name: string): boolean {
  const [before = "", after = ""] = template.split("%d");
  if (!name.startsWith(before) || !name.endsWith(after)) return false;
  const number = name.slice(before.length, name.length - after.length);
  return /^(0|[1-9][0-9]*)$/.test(number);
}

const HASH_DIGITS = 6;

/**
 * The name a resource gets when none is given: its logical name (letters, digits, "-", "_" and "." kept,
 * cut to fit) followed by "-" and six hex digits of a hash of the stack and resource identity. It is stable
 * across runs and unique per stack without any stored state, e.g. "lab-1a2b3c" or "vm-uplin-9f00e2".
 */
export function deriveInterfaceName(logicalName: string, identity: string, fallbackPrefix: string): string {
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, HASH_DIGITS);
  const room = MAX_INTERFACE_NAME_BYTES - HASH_DIGITS - 1;
  const cleaned = logicalName.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, room).replace(/^\.+$/, "");
  return `${cleaned.length > 0 ? cleaned : fallbackPrefix}-${hash}`;
}

/** Same rule with a random suffix, for callers of the provider that give no identity. */
export function randomInterfaceName(prefix: string, randomHex: string): string {
  return `${prefix}-${randomHex.slice(0, HASH_DIGITS)}`;
}

/** Names `ip netns add` accepts: a single path component below /run/netns. */
export function namespaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name === "." || name === "..") return `"${name}" cannot name a network namespace`;
  if (name.includes("/")) return `"${name}" contains "/": it must be a name under /run/netns, not a path`;
  if (/[\u0000-\u001f\u007f\s]/.test(name)) return `"${name}" contains white space or a control character`;
  if (byteLength(name) > 255) return "is longer than 255 bytes";
  return undefined;
}
