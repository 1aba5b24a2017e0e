// Refusals of the NetworkNamespace resource: a namespace (or file) at the path that is not the stack's, and a
// namespace that still holds devices: this stack's that were not deleted before it, or others'.

/** /run/netns/NAME is not the namespace this stack created or adopted. Nothing was changed. */
export class ForeignNamespaceError extends Error {
  constructor(operation: string, name: string, found: string) {
    super(
      `${operation}: refusing to touch network namespace ${name}: it is not the one this stack created; ${found}. ` +
        "Someone deleted and re-created it, or it belongs to something else. pulumi-tuntap never changes or deletes a namespace it does not own. " +
        "Run `pulumi refresh` (the stack then forgets its old namespace); then give this resource another name, or declare it with " +
        "`adopt: true` if this stack should manage the one that is there now.",
    );
    this.name = "ForeignNamespaceError";
  }
}

/** A device left in a namespace being deleted, and the resource of the same stack whose stamp it carries, if any. */
export interface DeviceInside {
  name: string;
  /** The logical name of this stack's resource that made it (a veth peer's too); absent: not this stack's. */
  resource?: string;
}

/** The namespace holds devices besides lo: this stack's not deleted first, or devices it did not put there. */
export class NamespaceInUseError extends Error {
  readonly devices: readonly string[];

  constructor(operation: string, name: string, inside: readonly DeviceInside[]) {
    const ours = inside.filter((device) => device.resource !== undefined);
    const others = inside.filter((device) => device.resource === undefined).map((device) => device.name);
    const parts: string[] = [];
    if (ours.length > 0) {
      parts.push(
        `${ours.map((device) => `${device.name} (this stack's resource ${device.resource})`).join(", ")}, which Pulumi did not delete first: it orders a device ` +
          "before its namespace only when the device's netns is this namespace's name output, not the same name written out. Pass " +
          "the NetworkNamespace's `name` output as their netns; `pulumi destroy` (or `pulumi up`) deletes them, and then the namespace when run again",
      );
    }
    if (others.length > 0) {
      parts.push(
        `${others.join(", ")}, which this stack did not put there: move them out (\`ip -n ${name} link set DEVICE netns 1\`) or delete them ` +
          `(\`ip -n ${name} link del DEVICE\`), or declare them in this stack, then run \`pulumi destroy\` (or \`pulumi up\`) again`,
      );
    }
    super(`${operation}: refusing to delete network namespace ${name}: it still holds ${parts.join("; and ")}. Deleting the namespace would delete them too. Nothing was changed.`);
    this.name = "NamespaceInUseError";
    this.devices = inside.map((device) => device.name);
  }
}
