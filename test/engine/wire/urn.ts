// Pulumi URNs: urn:pulumi:<stack>::<project>::<qualified type>::<name>, where the qualified type is the
// parent's qualified type (the root stack excepted), "$", and the resource's own type (resource/urn.go).

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  const parentType = parentUrn === undefined || parentUrn === "" ? "" : qualifiedTypeOf(parentUrn);
  const qualified = parentType === "" || parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function parts(urn: string): string[] {
  if (!urn.startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${urn}`);
  return urn.slice("urn:pulumi:".length).split("::");
}

export function qualifiedTypeOf(urn: string): string {
  return parts(urn)[2] ?? "";
}

/** The resource's own type: the last element of the qualified type. */
export function typeOf(urn: string): string {
  return qualifiedTypeOf(urn).split("$").pop() ?? "";
}

/** The name: everything after the qualified type (a name may itself contain "::"). */
export function nameOf(urn: string): string {
  return parts(urn).slice(3).join("::");
}

/** The package of a type token "pkg:module:Type" (the first element). */
export function packageOf(type: string): string {
  return type.split(":")[0] ?? "";
}

export function providerType(pkg: string): string {
  return `pulumi:providers:${pkg}`;
}

export function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/** A provider reference as resources record it: "<provider urn>::<provider id>". */
export function providerReference(urn: string, id: string): string {
  return `${urn}::${id}`;
}

export function parseProviderReference(reference: string): { urn: string; id: string } {
  const index = reference.lastIndexOf("::");
  if (index < 0) throw new Error(`not a provider reference: ${reference}`);
  return { urn: reference.slice(0, index), id: reference.slice(index + 2) };
}
