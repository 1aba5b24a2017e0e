// Pulumi URNs: urn:pulumi:<stack>::<project>::<qualified type>::<name>, where the qualified type is the
// parent's qualified type (the root stack excepted), "$", and the resource's own type (resource/urn.go).

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  const parentType = parentUrn === undefined || parentUrn === "" ? "" : qualifiedTypeOf(parentUrn);
  const qualified = parentType === "" || parentType === ROOT_STACK_TYPE ? type : `${parentType}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function parts(urn: string): string[] {
  if (!urn.startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${urn}`);
  return urn.slice("urn:pulumi:".length).split("::");
}

function qualifiedTypeOf(urn: string): string {
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

export function providerType(pkg: string): string {
  return `pulumi:providers:${pkg}`;
}

