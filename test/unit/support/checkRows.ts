// Table rows for `check` tests: a bad input names exactly one failing property with a recognisable reason; a
// good one comes back normalised, with every default filled in.
import assert from "node:assert/strict";
import type { CheckFailure, CheckOutcome } from "pulumi-tuntap/model";

/** A bad input (test/support/badInputs.ts): the one property the failure must name, and what its reason says. */
export interface RejectedRow {
  title: string;
  inputs: Record<string, unknown>;
  property: string;
  reason: RegExp;
}

export interface AcceptedRow {
  title: string;
  inputs: Record<string, unknown>;
  /** The complete inputs check must hand back. */
  expected: Record<string, unknown>;
}

function describeFailures(failures: readonly CheckFailure[]): string {
  return failures.map((failure) => `${failure.property}: ${failure.reason}`).join("\n") || "(none)";
}

export function assertRejected<T>(outcome: CheckOutcome<T>, row: RejectedRow): void {
  assert.deepEqual(
    outcome.failures.map((failure) => failure.property),
    [row.property],
    `expected one failure on ${row.property}, got:\n${describeFailures(outcome.failures)}`,
  );
  assert.match(outcome.failures[0]?.reason ?? "", row.reason);
  assert.equal(outcome.value, undefined, "a rejected input must not produce a value");
}

export function assertAccepted<T>(outcome: CheckOutcome<T>, row: AcceptedRow): void {
  assert.deepEqual(outcome.failures, [], `unexpected failures:\n${describeFailures(outcome.failures)}`);
  assert.deepEqual(outcome.inputs, row.expected);
}
