// Errors of NetworkdFiles: a file in the way that this resource did not write, and a directory that is not there.

/**
 * A file at one of the resource's paths does not carry this resource's marker: someone else wrote it, or the
 * marker was removed, or it is a link (a masked file). pulumi-tuntap never overwrites or deletes such a file.
 * Nothing was changed.
 */
export class ForeignFileError extends Error {
  readonly path: string;

  constructor(operation: string, path: string, reason: string, advice: string) {
    super(
      `${operation}: refusing to touch ${path}: ${reason}. pulumi-tuntap changes and removes only files whose first line is its marker ` +
        `("# Managed by pulumi-tuntap for <project>/<stack>/<resource>") naming this resource. ${advice} Nothing was changed.`,
    );
    this.name = "ForeignFileError";
    this.path = path;
  }
}

export const FOREIGN_FILE_ADVICE = {
  write: "Move that file away if it is stale, or give this resource another fileStem or directory.",
  delete:
    "If the file should stay, remove this resource from the stack with `pulumi state delete <urn>`; if it should go, remove it yourself.",
} as const;

/** The configured directory does not exist: networkd is probably not installed here. */
export class MissingDirectoryError extends Error {
  constructor(operation: string, directory: string) {
    super(
      `${operation}: ${directory} does not exist. systemd-networkd reads /etc/systemd/network; if this host uses systemd-networkd, ` +
        "create the directory (it comes with the systemd package on most distributions) or set `directory`. Hosts managed by NetworkManager " +
        "do not read these files. Nothing was written.",
    );
    this.name = "MissingDirectoryError";
  }
}
