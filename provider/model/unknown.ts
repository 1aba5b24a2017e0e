// Values not known yet during a preview: an input computed from another resource's output reaches a dynamic
// provider's check and diff as this sentinel string (@pulumi/pulumi runtime/rpc.ts, unknownValue). Validation
// skips it; diff counts it as a change.

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value, or anything inside it, is still unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
