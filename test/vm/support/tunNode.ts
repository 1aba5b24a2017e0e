// /dev/net/tun is mode 0600 on these machines (most distributions ship 0666), so an unprivileged VMM could
// not even open it to attach to the tap it owns. Inside this test file's own mount namespace (privateNetns
// unshares one), a tmpfs over /dev/net holds a fresh node of the usual mode; the host's node is never touched.
import { execFileSync } from "node:child_process";
import { readlinkSync, statSync } from "node:fs";

const TUN_NODE = "/dev/net/tun";

function mountNamespace(pid: string): string {
  // Not /proc/1: where pid 1 belongs to another user namespace, its links cannot be read.
  return readlinkSync(`/proc/${pid}/ns/mnt`);
}

/** Makes /dev/net/tun openable by every user, in this process's mount namespace only. */
export function openTunNodeToEveryone(): void {
  // privateNetns re-runs the file under `unshare --mount`: the parent process is still in the host's.
  if (mountNamespace("self") === mountNamespace(String(process.ppid))) {
    throw new Error("refusing to mount over /dev/net in the mount namespace this test was started in: import test/support/privateNetns first");
  }
  if ((statSync(TUN_NODE).mode & 0o777) === 0o666) return;
  execFileSync("mount", ["-t", "tmpfs", "-o", "mode=0755,size=16k", "tmpfs", "/dev/net"]);
  execFileSync("mknod", ["-m", "0666", TUN_NODE, "c", "10", "200"]);
}
