// Making and removing named network namespaces the way `ip netns add` and `ip netns del` do (iproute2,
// ip/ipnetns.c: netns_add, netns_delete): a network namespace kept alive by a bind mount of its nsfs file on
// /run/netns/NAME, so that it outlives the process that made it and `ip netns`, `ip -n` and setns(2) find it.
//
// "A thread of its own": iproute2 unshares in a single-threaded process. Node is never single-threaded (libuv's
// pool, V8's helpers), but it needs no thread of its own either: each thread has its own set of namespaces
// (struct nsproxy), and unshare(CLONE_NEWNET) moves only the calling thread into the new namespace. (The mount
// namespace is left alone: the bind mount belongs in the process's own, where every thread and `ip` see it.
// Unsharing CLONE_NEWNS would also give this thread a private copy of the cwd and root, kernel/fork.c
// unshare_fs, parting it from libuv's threads for good; CLONE_NEWUSER is refused outright, EINVAL, in a process
// with more than one thread.) So the namespace is made on Node's main thread, in one synchronous stretch: open the
// thread's current namespace, unshare, bind-mount the new namespace onto its file, setns back. No other
// JavaScript can run in between — the event loop does not turn while this runs — and the other threads never
// leave the process's namespace, so nothing but these system calls ever happens in the new namespace. Should
// returning fail, the process aborts rather than go on in the wrong namespace (as runInNetworkNamespace does).
import { closeSync, constants as fileConstants, mkdirSync, openSync, unlinkSync } from "node:fs";
import { errnoOfNodeError, errorFromErrno, KernelError } from "./errors";
import { libc } from "./libc";
import { checkSynchronous, namespacePath, NETNS_DIRECTORY, returnToNamespace } from "./netns";
import { CLONE_NEWNET, errno, O_CLOEXEC, O_RDONLY } from "./system";

// include/uapi/linux/mount.h, include/linux/fs.h (umount2 flags), include/uapi/linux/nsfs.h.
const MS_BIND = 4096;
const MS_REC = 16384;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;
/** NS_GET_NSTYPE = _IO(0xb7, 0x3): the CLONE_NEW* type of the namespace an nsfs file refers to. */
const NS_GET_NSTYPE = 0xb703;

/** /run/netns/NAME exists already (a namespace, or any other file). */
export class NamespaceExistsError extends KernelError {}

/** What is at /run/netns/NAME. */
export type NamespaceFileKind = "network namespace" | "other namespace" | "not a namespace" | "missing";

/**
 * What the file at /run/netns/NAME is: only a bind-mounted nsfs file answers NS_GET_NSTYPE, so a plain file put
 * there (or one left behind by a half-finished `ip netns add`), a directory or a symbolic link is "not a namespace".
 */
export function namespaceFileKind(name: string, operation: string): NamespaceFileKind {
  const c = libc();
  const path = namespacePath(name);
  // O_NOFOLLOW: a symbolic link there (to /proc/1/ns/net, say) is not a namespace bound at this path.
  const fd = c.open(path, O_RDONLY | O_CLOEXEC | fileConstants.O_NOFOLLOW);
  if (fd < 0) {
    const failure = c.errno();
    if (failure === errno.ENOENT) return "missing";
    if (failure === errno.ELOOP) return "not a namespace";
    throw errorFromErrno(failure, { operation, step: `open ${path}` });
  }
  try {
    const type = c.ioctlValue(fd, NS_GET_NSTYPE, 0);
    if (type < 0) {
      const failure = c.errno();
      // Any other file answers ENOTTY (no such ioctl); a directory EINVAL on some file systems.
      if (failure === errno.ENOTTY || failure === errno.EINVAL) return "not a namespace";
      throw errorFromErrno(failure, { operation, step: `NS_GET_NSTYPE ${path}` });
    }
    return type === CLONE_NEWNET ? "network namespace" : "other namespace";
  } finally {
    c.close(fd);
  }
}

/**
 * `ip netns add NAME`: a new, empty network namespace (only `lo`, down) bound at /run/netns/NAME. A name already
 * taken is a NamespaceExistsError and changes nothing; any other failure leaves nothing behind.
 *
 * `setUp`, when given, runs synchronously on this thread inside the new namespace before it is bound at its path,
 * so what it does there (an ownership stamp) exists exactly when the namespace does: if it throws, or the process
 * dies before the bind mount, the namespace vanishes with it.
 */
export function createNetworkNamespace(name: string, operation: string, setUp?: () => void): string {
  const path = namespacePath(name);
  prepareNamespaceDirectory(operation);
  let placeholder: number;
  try {
    // The mount point. O_EXCL makes creating it the existence check, as in ip/ipnetns.c.
    placeholder = openSync(path, O_RDONLY | fileConstants.O_CREAT | fileConstants.O_EXCL, 0);
  } catch (error) {
    const exists = `Network namespace "${name}" already exists (\`ip netns list\` shows it): choose another name, or delete it (\`ip netns del ${name}\`).`;
    throw errorFromErrno(errnoOfNodeError(error), { operation, step: `create ${path}`, meanings: { EEXIST: { error: NamespaceExistsError, remedy: exists } } });
  }
  closeSync(placeholder);
  try {
    bindNewNamespace(path, operation, setUp);
  } catch (error) {
    unlinkSync(path);
    if (error instanceof Error) error.message += ` ${path} was removed again; nothing was left behind.`;
    throw error;
  }
  return path;
}

/**
 * A failed mount, umount or unshare. EPERM there means CAP_SYS_ADMIN (over the mount namespace, for mounts), not
 * the CAP_NET_ADMIN that devices need.
 */
function mountError(failure: number, operation: string, step: string): KernelError {
  const needsSysAdmin =
    "Making and removing a network namespace needs CAP_SYS_ADMIN (it mounts the namespace on /run/netns): run as root; as an ordinary " +
    "user, inside user, network and mount namespaces of your own (`unshare -rnm`, with a tmpfs of your own on /run), where the namespaces made are yours alone.";
  return errorFromErrno(failure, { operation, step, meanings: { EPERM: { remedy: needsSysAdmin } } });
}

/**
 * `ip netns del NAME`: detaches the bind mount (the namespace itself goes once nothing else holds it: a process
 * inside, an open descriptor, another mount) and removes the file. Callers check that the file is a network
 * namespace and theirs first.
 */
export function deleteNetworkNamespace(name: string, operation: string): void {
  const c = libc();
  const path = namespacePath(name);
  if (c.umount2(path, MNT_DETACH) < 0) throw mountError(c.errno(), operation, `umount ${path}`);
  try {
    unlinkSync(path);
  } catch (error) {
    if (errnoOfNodeError(error) !== errno.ENOENT) throw errorFromErrno(errnoOfNodeError(error), { operation, step: `unlink ${path}` });
  }
}

/**
 * /run/netns exists (0755) and is a shared mount point, so that a namespace mounted there later appears in every
 * mount namespace that has a copy of it (a process that ran `unshare -m` before, a container sharing /run).
 * The first time, /run/netns is usually no mount point of its own: it is bind-mounted onto itself, then made
 * shared — exactly ip/ipnetns.c's loop.
 */
function prepareNamespaceDirectory(operation: string): void {
  const c = libc();
  mkdirSync(NETNS_DIRECTORY, { recursive: true, mode: 0o755 });
  if (c.mount("", NETNS_DIRECTORY, "none", MS_SHARED | MS_REC, null) === 0) return;
  const failure = c.errno();
  // EINVAL: not a mount point. Anything else (EPERM) is the answer.
  if (failure !== errno.EINVAL) throw mountError(failure, operation, `make ${NETNS_DIRECTORY} a shared mount`);
  if (c.mount(NETNS_DIRECTORY, NETNS_DIRECTORY, "none", MS_BIND | MS_REC, null) < 0) {
    throw mountError(c.errno(), operation, `bind-mount ${NETNS_DIRECTORY} onto itself`);
  }
  if (c.mount("", NETNS_DIRECTORY, "none", MS_SHARED | MS_REC, null) < 0) {
    throw mountError(c.errno(), operation, `make ${NETNS_DIRECTORY} a shared mount`);
  }
}

/**
 * On this thread: unshare a new network namespace, set it up, bind its nsfs file onto `path`, return to the
 * namespace the thread was in. Synchronous from start to end (see the top of this file).
 */
function bindNewNamespace(path: string, operation: string, setUp: (() => void) | undefined): void {
  const c = libc();
  const self = "/proc/thread-self/ns/net";
  const original = c.open(self, O_RDONLY | O_CLOEXEC);
  if (original < 0) throw errorFromErrno(c.errno(), { operation, step: `open ${self}` });
  try {
    if (c.unshare(CLONE_NEWNET) < 0) throw mountError(c.errno(), operation, "unshare(CLONE_NEWNET)");
    try {
      if (setUp !== undefined) checkSynchronous(setUp());
      // /proc/thread-self, not /proc/self: the latter names the process's first thread, which need not be this one.
      if (c.mount(self, path, "none", MS_BIND, null) < 0) throw mountError(c.errno(), operation, `bind-mount ${self} onto ${path}`);
    } finally {
      returnToNamespace(original, operation);
    }
  } finally {
    c.close(original);
  }
}
