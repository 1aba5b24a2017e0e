// Refusals of the NetworkNamespace resource: a namespace (or file) at the path that is not the stack's, and a
// namespace that still holds devices the stack did not put there.

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

/** The namespace holds devices besides lo: they are not the stack's (its own go first, by dependency order). */
export class NamespaceInUseError extends Error {
  readonly devices: readonly string[];

  constructor(operation: string, name: string, devices: readonly string[]) {
    super(
      `${operation}: refusing to delete network namespace ${name}: it still holds ${devices.join(", ")}, which this stack did not put there ` +
        `(its own devices are deleted before the namespace). Deleting the namespace would delete them too. Move them out ` +
        `(\`ip -n ${name} link set DEVICE netns 1\`) or delete them (\`ip -n ${name} link del DEVICE\`), or declare them in this ` +
        "stack, then run `pulumi destroy` (or `pulumi up`) again. Nothing was changed.",
    );
    this.name = "NamespaceInUseError";
    this.devices = devices;
  }
}
