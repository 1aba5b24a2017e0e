// What every link resource's check shares: an MTU within the range its kind allows, IPv6's minimum MTU, adopt's
// need for an exact name, the name a link gets when none is declared, and the complete, named spec create and
// update work from. Pure.
import { randomBytes } from "node:crypto";
import type { CheckOutcome, CrossFieldRule, Properties } from "./check";
import { deriveInterfaceName, isNameTemplate, randomInterfaceName } from "./names";

/** The MTUs the kernel accepts for one kind of link (the schema's own range, 68–65535, holds for the others). */
export interface MtuRange {
  min: number;
  max: number;
}

/** Why `mtu` does not fit a link of this kind ("tap") and range, or undefined when it does. */
export function mtuProblem(kind: string, range: MtuRange, mtu: number): string | undefined {
  if (mtu >= range.min && mtu <= range.max) return undefined;
  return `a ${kind} device's MTU must be between ${range.min} and ${range.max}, got ${mtu}`;
}

/** IPv6 needs an MTU of at least 1280 (RFC 8200); below it the kernel disables IPv6 on the device. */
export const IPV6_MIN_MTU = 1280;

/** Why these addresses cannot be on a link of this MTU, or undefined when they can. */
export function ipv6MtuProblem(mtu: number, addresses: readonly string[]): string | undefined {
  if (mtu >= IPV6_MIN_MTU) return undefined;
  const ipv6 = addresses.find((address) => address.includes(":"));
  if (ipv6 === undefined) return undefined;
  return `IPv6 address ${ipv6} needs an MTU of at least ${IPV6_MIN_MTU}; the kernel turns IPv6 off on links with a smaller MTU`;
}

export const ipv6NeedsMinimumMtu: CrossFieldRule<{ mtu?: number | undefined; addresses?: string[] | undefined }> = (value, unknown) => {
  if (unknown.has("mtu") || value.mtu === undefined) return [];
  const problem = ipv6MtuProblem(value.mtu, value.addresses ?? []);
  return problem === undefined ? [] : [{ property: "mtu", reason: `${problem} (got ${value.mtu})` }];
};

/** adopt takes over one existing device, so the name must be that device's, not a template. */
export function adoptNeedsExactName(what: string): CrossFieldRule<{ adopt?: boolean | undefined; name?: string | undefined }> {
  return (value, unknown) => {
    if (value.adopt !== true || unknown.has("name")) return [];
    if (value.name !== undefined && !isNameTemplate(value.name)) return [];
    return [{ property: "name", reason: `adopt: true takes over one existing ${what}, so name must be its exact name (no %d template)` }];
  };
}

/** The logical resource name inside a managedBy identity ("project/stack/resource"). */
export function resourcePartOf(managedBy: string): string {
  return managedBy.split("/").slice(2).join("/");
}

/**
 * Gives a link declared without a name the one deriveInterfaceName makes from its identity (`type` keeps a
 * Bridge and a TapInterface of one logical name apart); without an identity, the name chosen before (`olds`)
 * or a random one. While the identity is still unknown (preview), the name stays unknown too.
 *
 * When the identity changes later (a resource renamed with an alias, a renamed stack) the device keeps its
 * name, so that a rename never replaces it, and the identity the name came from is carried as
 * `nameDerivedFrom`. `oldPrefix` is the prefix the old inputs' name was derived with.
 */
export function nameUnnamedLink<T extends { name?: string | undefined; managedBy?: string | undefined; nameDerivedFrom?: string | undefined }>(
  outcome: CheckOutcome<T>,
  olds: Properties,
  type: string,
  prefix: string,
  oldPrefix: string = prefix,
): CheckOutcome<T> {
  const value = outcome.value;
  if (value === undefined || value.name !== undefined || outcome.unknown.has("name") || outcome.unknown.has("managedBy")) return outcome;
  const named: { name: string; nameDerivedFrom?: string } =
    value.managedBy !== undefined
      ? derivedName(olds, value.managedBy, type, prefix, oldPrefix)
      : { name: typeof olds.name === "string" ? olds.name : randomInterfaceName(prefix, randomBytes(4).toString("hex")) };
  Object.assign(value, named);
  Object.assign(outcome.inputs, named);
  return outcome;
}

function derivedName(olds: Properties, managedBy: string, type: string, prefix: string, oldPrefix: string): { name: string; nameDerivedFrom?: string } {
  const origin = typeof olds.nameDerivedFrom === "string" ? olds.nameDerivedFrom : identityNamedBy(olds, type, oldPrefix);
  if (origin !== undefined && origin !== managedBy && typeof olds.name === "string") return { name: olds.name, nameDerivedFrom: origin };
  return { name: deriveInterfaceName(resourcePartOf(managedBy), `${type}:${managedBy}`, prefix) };
}

/** The old identity, when the old name was derived from it (a name given explicitly is not kept once removed). */
function identityNamedBy(olds: Properties, type: string, prefix: string): string | undefined {
  const { name, managedBy } = olds;
  if (typeof name !== "string" || typeof managedBy !== "string") return undefined;
  return deriveInterfaceName(resourcePartOf(managedBy), `${type}:${managedBy}`, prefix) === name ? managedBy : undefined;
}

/** A link resource's checked inputs with the name every link has: what create and update work from. */
export type Named<T> = T & { name: string };

/** The checked inputs, complete and named, or undefined while some are unknown, invalid or unnamed. */
export function namedSpec<T extends { name?: string | undefined }>(outcome: CheckOutcome<T>): Named<T> | undefined {
  const complete = outcome.complete;
  if (complete === undefined || complete.name === undefined) return undefined;
  return { ...complete, name: complete.name };
}
