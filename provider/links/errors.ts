// The refusals every link kind shares: a device of the resource's name that is not ours, a name taken by another
// device, a name that is another device's altname.
import type { Link } from "../kernel";
import { findStamp } from "../model/stamp";
import { DeviceConflictError } from "../lifecycle/errors";
import { stampedForAnotherOwner, type StampedObjectWords } from "../lifecycle/ownership";
import { describeDevice } from "./devices";

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

/** How messages speak of a device whose stamp names another owner. */
export function deviceWords(name: string, stamp: string): StampedObjectWords {
  return { noun: "device", carrier: "", name, release: `ip link property del dev ${name} altname ${stamp}` };
}

/** The refusal when a name is taken by a device this stack did not create for this resource. */
export function nameTakenError(existing: Link, name: string, managedBy: string | undefined, operation: string, adoptable: string): DeviceConflictError {
  // Another stack's or resource's device: adopt would be refused too, so say whose it is instead of suggesting it.
  const stamp = findStamp(existing.altNames);
  if (stamp !== undefined) {
    return new DeviceConflictError(
      operation,
      "name",
      `${describeDevice(existing)} named ${name} already exists and this stack did not create it for this resource: ${stampedForAnotherOwner(stamp, managedBy, deviceWords(name, stamp), false)}.`,
    );
  }
  return new DeviceConflictError(
    operation,
    "name",
    `${describeDevice(existing)} named ${name} already exists and this stack did not create it; pulumi-tuntap never takes over a device ` +
      `silently. Choose another name, remove that device, or set \`adopt: true\` to manage it (${adoptable} only).`,
  );
}

/**
 * The refusal when the name is an alternative name (altname) of another device: names and altnames share one
 * namespace in the kernel, so no device can be created or adopted under it.
 */
export function nameIsAltNameError(holder: Link, name: string, operation: string): DeviceConflictError {
  return new DeviceConflictError(
    operation,
    "name",
    `${name} is an alternative name (altname) of ${describeDevice(holder)}, ${holder.name}; names and altnames share one namespace, so ` +
      `no device can be created or adopted under it. Choose another name, or remove that altname (\`ip link property del dev ${holder.name} altname ${name}\`).`,
  );
}
