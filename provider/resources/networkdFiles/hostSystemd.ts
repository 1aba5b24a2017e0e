// The systemd version of this host, for files whose wording depends on it (forwarding: IPForward= up to 255,
// IPv4Forwarding= from 256). Read from the name of systemd's private shared library, libsystemd-shared-NNN.so, which
// systemd-networkd and every other binary of one systemd build link (its NNN is the build's major version), where
// distributions install it: /usr/lib/systemd (Debian, Arch), /usr/lib64/systemd (Fedora), /usr/lib/<triplet>/systemd
// (Debian's multiarch path). No program is run.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const LIBRARY = /^libsystemd-shared-([0-9]+)(\.[0-9a-z.~+-]*)?\.so$/;

function entries(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

function places(): string[] {
  const multiarch = entries("/usr/lib").filter((entry) => /-linux-gnu/.test(entry)).map((entry) => join("/usr/lib", entry, "systemd"));
  return ["/usr/lib/systemd", "/usr/lib64/systemd", "/lib/systemd", ...multiarch];
}

let found: number | null | undefined;

/** This host's systemd major version (252), or undefined when no systemd is installed here. Looked up once per process. */
export function hostSystemdVersion(): number | undefined {
  if (found === undefined) {
    const versions = places().flatMap((directory) => entries(directory).flatMap((entry) => LIBRARY.exec(entry)?.[1] ?? []));
    found = versions.length === 0 ? null : Math.max(...versions.map(Number));
  }
  return found ?? undefined;
}
