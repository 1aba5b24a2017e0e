// Errors of the lifecycle, whatever the kind: input that fails validation, an object in the way that may not be
// taken, an object gone between a read and a change, and a create that could not clean up after itself.
import type { CheckFailure, Properties } from "../model";

/** Inputs that reached create/update without passing check (or that check would refuse). */
export class InvalidInputsError extends Error {
  readonly failures: readonly CheckFailure[];

  constructor(operation: string, failures: readonly CheckFailure[]) {
    super(
      `${operation}: invalid inputs, nothing was changed:\n` +
        failures.map((failure) => `  - ${failure.property}: ${failure.reason}`).join("\n"),
    );
    this.name = "InvalidInputsError";
    this.failures = failures;
  }
}

/**
 * The place (a name, a route's key) belongs to an object this resource may not take: another stack's, one of
 * another kind, or one nobody asked to adopt. Nothing was changed.
 */
export class DeviceConflictError extends Error {
  readonly property: string;

  constructor(operation: string, property: string, reason: string) {
    super(`${operation}: ${reason} Nothing was changed.`);
    this.name = "DeviceConflictError";
    this.property = property;
  }
}

/** An object (a device, a namespace, a route) went missing between a read and a change. */
export class MissingDeviceError extends Error {
  constructor(operation: string, name: string) {
    super(
      `${operation}: ${name} does not exist any more (deleted outside Pulumi?). Run \`pulumi refresh\` so the stack forgets it, ` +
        "then `pulumi up` creates it again.",
    );
    this.name = "MissingDeviceError";
  }
}

/**
 * A create that made an object, failed, and could not remove it again. Carrying `id` and `properties`
 * makes Pulumi's engine record the object in the stack (as a failed create) instead of leaking it, so the
 * next `pulumi up` or `pulumi destroy` can deal with it.
 */
export class PartialCreateError extends Error {
  readonly id: string;
  readonly properties: Properties;
  readonly reasons: string[];

  constructor(message: string, id: string, properties: Properties) {
    super(message);
    this.name = "PartialCreateError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
