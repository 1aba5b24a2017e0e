// Interface and namespace names, by the kernel's own rules (net/core/dev.c: dev_valid_name, dev_alloc_name),
// and the rule that derives a name when none is given. Pure.
import { createHash } from "node:crypto";

/** IFNAMSIZ is 16 bytes including the terminating NUL. */
export const MAX_INTERFACE_NAME_BYTES = 15;
const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** A name as messages show it: quoted, with control characters escaped ("a\nb" rather than a line break). */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

/** ASCII white space, as the kernel's isspace() counts it. */
function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * The kernel's isspace() follows Latin-1 and also counts 0xA0 (no-break space) as white space, so it refuses a
 * UTF-8 name whose encoding holds that byte: "à" is C3 A0. Returns the first character whose encoding does.
 */
function characterWithByteA0(text: string): string | undefined {
  return Array.from(text).find((character) => encoder.encode(character).includes(0xa0));
}

function utf8Hex(character: string): string {
  return Array.from(encoder.encode(character), (byte) => byte.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}

/**
 * A lone UTF-16 surrogate has no UTF-8 form: it would reach the kernel as U+FFFD and read back as another
 * string, so every later run would see a difference. Returns a reason, or undefined for well-formed text.
 */
export function loneSurrogateProblem(text: string): string | undefined {
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  if (lone === null) return undefined;
  const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
  return `contains a lone UTF-16 surrogate (\\u${code} at position ${lone.index}), which has no UTF-8 form: the kernel would store U+FFFD instead, so it could never match again`;
}

export interface NameRules {
  /** Accept one `%d` for the kernel to fill in (TUN/TAP creation and rtnetlink both support it). */
  allowTemplate: boolean;
}

/** Why `name` is not a valid interface name, or undefined when it is. */
export function interfaceNameProblem(name: string, rules: NameRules): string | undefined {
  if (name.length === 0) return "must not be empty";
  const unencodable = loneSurrogateProblem(name);
  if (unencodable !== undefined) return unencodable;
  const bytes = encoder.encode(name);
  if (bytes.length > MAX_INTERFACE_NAME_BYTES) {
    return `${quoted(name)} is ${bytes.length} bytes long; Linux interface names hold at most ${MAX_INTERFACE_NAME_BYTES} bytes`;
  }
  if (name === "." || name === "..") return `${quoted(name)} is reserved and cannot name an interface`;
  if (name.includes("/") || name.includes(":")) return `${quoted(name)} contains "/" or ":", which interface names cannot`;
  if (bytes.some(isAsciiSpace)) return `${quoted(name)} contains white space, which interface names cannot`;
  const nbspCarrier = characterWithByteA0(name);
  if (nbspCarrier !== undefined) {
    return (
      `${quoted(name)} contains "${nbspCarrier}", whose UTF-8 form (${utf8Hex(nbspCarrier)}) holds the byte A0, which the kernel counts as ` +
      "white space in an interface name (its isspace() follows Latin-1); use other characters, e.g. plain ASCII letters"
    );
  }
  if (bytes.some((byte) => byte < 0x20 || byte === 0x7f)) return `${quoted(name)} contains a control character`;
  const percent = name.indexOf("%");
  if (percent !== -1) {
    if (!rules.allowTemplate) return `${quoted(name)} contains "%": a template is not allowed here`;
    if (name[percent + 1] !== "d" || name.indexOf("%", percent + 1) !== -1) {
      return `${quoted(name)} is not a valid template: it may contain one "%d" and no other "%"`;
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

/**
 * The name a device should have now: the declared one; for a template, the device's current name while the
 * template could have produced it, else the name the kernel gave it at creation (the resource's id).
 */
export function intendedName(declared: string, id: string, current: string): string {
  if (!isNameTemplate(declared)) return declared;
  return matchesNameTemplate(declared, current) ? current : id;
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
  const unencodable = loneSurrogateProblem(name);
  if (unencodable !== undefined) return unencodable;
  if (name === "." || name === "..") return `${quoted(name)} cannot name a network namespace`;
  if (name.includes("/")) return `${quoted(name)} contains "/": it must be a name under /run/netns, not a path`;
  if (/[\u0000-\u001f\u007f\s]/.test(name)) return `${quoted(name)} contains white space or a control character`;
  if (byteLength(name) > 255) return "is longer than 255 bytes";
  return undefined;
}
