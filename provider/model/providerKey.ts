// In a module of its own: the resource classes need it in the program's process, which has no use for the
// model's schemas, and zod alone takes ~50 ms to load.

/** The key under which Pulumi's dynamic provider host passes the serialized provider. */
export const PROVIDER_KEY = "__provider";
