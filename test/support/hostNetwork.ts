// Commands that need the network (a download from a registry), run from a test file that lives in a private
// network namespace of its own (privateNetns.ts). The process that started it — privateNetns's outer run — is
// still in the host's network namespace, so such a command runs in that one (nsenter --net), touching no
// interface there; everything else about it (mounts, files, user) is the test's.
import { readlinkSync } from "node:fs";

const networkNamespace = (pid: string | number): string => readlinkSync(`/proc/${pid}/ns/net`);

/** `argv`, run in the network namespace of this process's parent when that is not this process's own. */
export function inHostNetwork(argv: readonly string[]): string[] {
  if (networkNamespace("self") === networkNamespace(process.ppid)) return [...argv];
  return ["nsenter", `--net=/proc/${process.ppid}/ns/net`, "--", ...argv];
}
