// Check failures in Pulumi's shape ({property, reason}), made from zod issues. Pure.
import type { z } from "zod";

export interface CheckFailure {
  /** A property path as Pulumi prints them: "addresses[1]", "name". */
  property: string;
  reason: string;
}

export function propertyPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** A value as a message shows it: "the string \"x\"", "the number 5", "a list", "nothing"… */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN (not a number)";
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? `the number ${value}` : `the fraction ${value}`;
  }
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${String(value)}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** One failure per problem; an unknown key becomes a failure on that key, listing the keys that exist. */
export function failuresFromIssues(issues: readonly z.core.$ZodIssue[], input: unknown, knownKeys: readonly string[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        failures.push({
          property: propertyPath([...issue.path, key]),
          reason: `unknown property "${key}"; the properties are: ${knownKeys.join(", ")}`,
        });
      }
      continue;
    }
    failures.push({ property: propertyPath(issue.path), reason: reasonFor(issue, valueAt(input, issue.path)) });
  }
  return failures;
}

/** zod's name of a type, as a sentence says it: "a list", "an object", "a string". */
function expectedType(expected: string): string {
  if (expected === "array") return "a list";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function reasonFor(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") return `expected a whole number, got ${describeValue(value)}`;
      // A number refused as a number is NaN or infinite.
      if (issue.expected === "number" && typeof value === "number") return `expected a finite number, got ${describeValue(value)}`;
      return `expected ${expectedType(issue.expected)}, got ${describeValue(value)}`;
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "must not be empty" : `must be at least ${String(issue.minimum)} characters long`;
      return `must be at least ${String(issue.minimum)}, got ${String(value)}`;
    case "too_big":
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} characters long, got ${typeof value === "string" ? value.length : "more"}`;
      return `must be at most ${String(issue.maximum)}, got ${String(value)}`;
    case "invalid_key":
      // A record's key (a pool's device key): the key's own issue says what is wrong with it.
      return issue.issues[0]?.message ?? issue.message;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(value)}`;
    default:
      return issue.message;
  }
}
