// Owner and group: numeric ids pass through, names are resolved on this host (NSS, via the kernel layer).
import { lookupGroupId, lookupUserId } from "../../kernel/users";
import type { CheckFailure, Properties } from "../../model";
import type { ResolvedPrincipals } from "./diff";
import { containsUnknown } from "../../model/unknown";

type PrincipalKind = "owner" | "group";

function lookup(kind: PrincipalKind, name: string): number | undefined {
  return kind === "owner" ? lookupUserId(name) : lookupGroupId(name);
}

function resolvePrincipal(kind: PrincipalKind, value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && !containsUnknown(value)) return lookup(kind, value);
  return undefined;
}

/** Failures for user or group names that do not exist on this host. */
export function principalFailures(inputs: Properties): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const kind of ["owner", "group"] as const) {
    const value = inputs[kind];
    if (typeof value !== "string" || containsUnknown(value)) continue;
    if (lookup(kind, value) === undefined) {
      const what = kind === "owner" ? "user" : "group";
      failures.push({
        property: kind,
        reason: `no ${what} named "${value}" exists on this host; create it first (\`${kind === "owner" ? "useradd" : "groupadd"} ${value}\`) or give a numeric id`,
      });
    }
  }
  return failures;
}

export function resolvePrincipals(inputs: { owner?: unknown; group?: unknown }): ResolvedPrincipals {
  const resolved: ResolvedPrincipals = {};
  const owner = resolvePrincipal("owner", inputs.owner);
  const group = resolvePrincipal("group", inputs.group);
  if (owner !== undefined) resolved.owner = owner;
  if (group !== undefined) resolved.group = group;
  return resolved;
}
