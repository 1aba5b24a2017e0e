// Errors of the resource layer: input that fails validation, and devices that are not ours.
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
 * The name belongs to a device this resource may not take: another stack's, a device of another kind, or one
 * nobody asked to adopt. Nothing was changed.
 */
export class DeviceConflictError extends Error {
  readonly property: string;

  constructor(operation: string, property: string, reason: string) {
    super(`${operation}: ${reason} Nothing was changed.`);
    this.name = "DeviceConflictError";
    this.property = property;
  }
}

/** A device of the expected name exists, but this stack did not create (or adopt) it. */
export class ForeignDeviceError extends Error {
  constructor(operation: string, name: string, expectedStamp: string | undefined, foundStamp: string | undefined) {
    const found = foundStamp === undefined ? "it carries no pulumi-tuntap ownership stamp" : `it carries the stamp ${foundStamp}`;
    const expected = expectedStamp === undefined ? "" : ` (this stack's device carried ${expectedStamp})`;
    // Adoption is advice only for a device nobody claims: another stack's device cannot be adopted.
    const remedy =
      foundStamp === undefined
        ? "If this stack should manage it, run `pulumi refresh` (the stack then forgets the old device) and declare it with `adopt: true`; " +
          "if not, remove the resource from the stack with `pulumi state delete <urn>`, or run `pulumi refresh` and give this resource's device another name."
        : `It belongs to the stack and resource its stamp names, so this stack cannot adopt it: run \`pulumi refresh\` (this stack then forgets its old device) and give this resource's device another name, or first remove ${name} from the stack that owns it.`;
    super(
      `${operation}: refusing to touch ${name}: the device of that name is not the one this stack created${expected}; ${found}. ` +
        `Someone deleted and re-created it, or it belongs to something else. pulumi-tuntap never changes or deletes a device it does not own. ${remedy}`,
    );
    this.name = "ForeignDeviceError";
  }
}

/** A device went missing between a read and a change. */
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
 * A create that made a device, failed, and could not remove it again. Carrying `id` and `properties`
 * makes Pulumi's engine record the device in the stack (as a failed create) instead of leaking it, so the
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
