// The one gate every create and update passes before touching anything: the engine runs check first, but the
// exported providers may be called without it (from a script or a test), and then bad or unknown inputs must be
// refused here, each named, before any system call.
import type { CheckFailure, CheckOutcome } from "../model";
import { InvalidInputsError } from "./errors";

/**
 * The complete spec a create or update works from, or an InvalidInputsError listing every failure. `specOf`
 * completes the checked inputs (undefined when they are not complete); `hostFailures` adds what only this host
 * can tell, asked only when the model found nothing wrong.
 */
export function validated<T, Spec>(
  outcome: CheckOutcome<T>,
  operation: string,
  specOf: (outcome: CheckOutcome<T>) => Spec | undefined,
  hostFailures: () => CheckFailure[] = () => [],
): Spec {
  if (outcome.unknown.size > 0) {
    throw new InvalidInputsError(operation, [...outcome.unknown].map((property) => ({ property, reason: "its value is not known yet" })));
  }
  const failures = outcome.failures.length > 0 ? outcome.failures : hostFailures();
  const spec = specOf(outcome);
  if (failures.length > 0 || spec === undefined) throw new InvalidInputsError(operation, failures);
  return spec;
}
