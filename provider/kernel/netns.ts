// Running a few system calls inside a named network namespace (/run/netns/NAME, as `ip netns add` makes it).
//
// setns(2) switches only the calling thread. Sockets and /dev/net/tun descriptors belong to the namespace
// they were opened in and stay there after the thread switches back, so the pattern is: switch, open what is
// needed, switch straight back, then use the descriptors. The callback must be synchronous: an `await` inside
// would let unrelated work run while the main thread sits in another namespace.
import { statSync } from "node:fs";
import { errorFromErrno, NoSuchNamespaceError } from "./errors";
import { libc } from "./libc";
import { CLONE_NEWNET, O_CLOEXEC, O_RDONLY } from "./system";

export const NETNS_DIRECTORY = "/run/netns";

export function namespacePath(name: string): string {
  // The model validates names; this guard keeps a bad one from ever naming a path outside /run/netns.
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new RangeError(`invalid network namespace name ${JSON.stringify(name)}`);
  }
  return `${NETNS_DIRECTORY}/${name}`;
}

/** Identifies the namespace currently bound at /run/netns/NAME, so caches notice a namespace recreated under the same name. */
export function namespaceIdentity(name: string): string | undefined {
  try {
    const stat = statSync(namespacePath(name));
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * An open descriptor of the named network namespace, /run/netns/NAME, which the caller closes; a name that is not
 * there is a NoSuchNamespaceError.
 */
export function openNamespace(name: string, operation: string): number {
  const path = namespacePath(name);
  const fd = libc().open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) return fd;
  throw errorFromErrno(libc().errno(), {
    operation,
    step: `open ${path}`,
    meanings: {
      ENOENT: {
        error: NoSuchNamespaceError,
        remedy: `Network namespace "${name}" does not exist: create it first (\`ip netns add ${name}\`, or a NetworkNamespace resource), or leave netns unset.`,
      },
    },
  });
}

export function runInNetworkNamespace<T>(name: string | undefined, operation: string, work: () => T): T {
  if (name === undefined) return checkSynchronous(work());
  const c = libc();
  const path = namespacePath(name);
  const target = openNamespace(name, operation);
  try {
    const original = c.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original < 0) throw errorFromErrno(c.errno(), { operation, step: "open /proc/thread-self/ns/net" });
    try {
      if (c.setns(target, CLONE_NEWNET) < 0) {
        // setns answers EINVAL for a file that is not a network namespace (a plain file, another kind of namespace).
        const notNetwork =
          `${path} is not a network namespace (a plain file or another kind of namespace is in its place). ` +
          `\`ip netns add ${name}\` makes one there once that file is moved away; or name another netns.`;
        throw errorFromErrno(c.errno(), { operation, step: `setns(${path})`, meanings: { EINVAL: { remedy: notNetwork } } });
      }
      try {
        return checkSynchronous(work());
      } finally {
        returnToNamespace(original, operation);
      }
    } finally {
      c.close(original);
    }
  } finally {
    c.close(target);
  }
}

/** setns back to the namespace this thread came from, or abort: continuing would run every later call in the wrong namespace. */
export function returnToNamespace(original: number, operation: string): void {
  if (libc().setns(original, CLONE_NEWNET) < 0) {
    process.stderr.write(`pulumi-tuntap: cannot return to the original network namespace after ${operation}\n`);
    process.abort();
  }
}

/** Refuses a promise as the result of work done while this thread sits in another namespace. */
export function checkSynchronous<T>(result: T): T {
  if (typeof (result as { then?: unknown } | null)?.then === "function") {
    throw new TypeError("runInNetworkNamespace needs synchronous work: a promise would outlive the namespace switch");
  }
  return result;
}
