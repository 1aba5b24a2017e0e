// Named network namespaces made and removed by the kernel layer (no `ip`), checked with `ip` and /proc: they
// are what `ip netns add` makes, this thread comes back to its own namespace, and failures leave nothing behind.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { test } from "node:test";
import {
  createNetworkNamespace,
  deleteNetworkNamespace,
  NamespaceExistsError,
  namespaceFileKind,
  rtnetlink,
  closeRtnetlink,
} from "pulumi-tuntap/kernel";
import { ip, type IpLink, namespaceNames } from "../support/ip";

const ownNamespace = () => readlinkSync("/proc/thread-self/ns/net");
/** The links inside, as a process running in the namespace through its path sees them. */
const linksInside = (name: string) => JSON.parse(ip("netns", "exec", name, "ip", "-j", "link", "show")) as IpLink[];
/** /proc/self/mountinfo lines whose mount point is `path`. */
const mountsAt = (path: string) => readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((line) => line.split(" ")[4] === path);

test("a namespace made here is what `ip netns add` makes: listed, usable through its path, only lo inside, down", () => {
  const before = ownNamespace();
  const path = createNetworkNamespace("k-one", "create k-one");
  assert.equal(path, "/run/netns/k-one");
  assert.equal(ownNamespace(), before, "this thread is back in its own namespace");
  assert.ok(namespaceNames().includes("k-one"), "ip netns list shows it");
  const inside = linksInside("k-one");
  assert.deepEqual(inside.map((link) => link.ifname), ["lo"], "a fresh namespace holds lo alone");
  assert.ok(!inside[0]?.flags.includes("UP"), "lo starts down, as with ip netns add");
  assert.equal(namespaceFileKind("k-one", "read"), "network namespace");
  assert.notEqual(readlinkSync("/proc/thread-self/ns/net"), `net:[${statSync(path).ino}]`, "it is a new namespace, not ours");
  assert.equal(mountsAt(path).length, 1, "bound at its path");
  // The topmost mount on /run/netns (the test's own tmpfs; a host that ever ran `ip netns add` has one below it).
  assert.match(mountsAt("/run/netns").at(-1) ?? "", /shared:\d+/, "/run/netns became a shared mount");
});

test("setUp runs inside the new namespace before it is bound; when it fails, nothing is left and this thread is back", () => {
  const before = ownNamespace();
  let seenInside = "";
  createNetworkNamespace("k-setup", "create k-setup", () => {
    seenInside = ownNamespace();
    assert.equal(mountsAt("/run/netns/k-setup").length, 0, "not bound yet");
  });
  assert.equal(seenInside, `net:[${statSync("/run/netns/k-setup").ino}]`, "it ran in the namespace now bound at the path");
  assert.equal(ownNamespace(), before);

  assert.throws(
    () => createNetworkNamespace("k-fail", "create k-fail", () => {
      throw new Error("set-up failed.");
    }),
    /^Error: set-up failed\. \/run\/netns\/k-fail was removed again; nothing was left behind\.$/,
  );
  assert.equal(namespaceFileKind("k-fail", "read"), "missing");
  assert.equal(ownNamespace(), before);

  assert.throws(() => createNetworkNamespace("k-async", "create k-async", async () => {}), /needs synchronous work/);
  assert.equal(namespaceFileKind("k-async", "read"), "missing");
  assert.equal(ownNamespace(), before);
  assert.deepEqual(namespaceNames(), ["k-one", "k-setup"].sort(), "only the namespaces made");
});

test("a taken name is refused and the namespace there is left as it was", () => {
  createNetworkNamespace("k-taken", "create k-taken");
  const inode = statSync("/run/netns/k-taken").ino;
  assert.throws(
    () => createNetworkNamespace("k-taken", "create k-taken"),
    (error: unknown) => {
      assert.ok(error instanceof NamespaceExistsError);
      assert.match(error.message, /create \/run\/netns\/k-taken: EEXIST \(file exists\)\. Network namespace "k-taken" already exists .*ip netns del k-taken/);
      return true;
    },
  );
  assert.equal(statSync("/run/netns/k-taken").ino, inode, "the same namespace is still there");
  assert.equal(mountsAt("/run/netns/k-taken").length, 1, "and mounted once");
});

test("a plain file in place is no namespace: refused on create, recognised as not a namespace, untouched", () => {
  writeFileSync("/run/netns/k-plain", "not a namespace\n");
  assert.equal(namespaceFileKind("k-plain", "read"), "not a namespace");
  assert.throws(() => createNetworkNamespace("k-plain", "create k-plain"), NamespaceExistsError);
  assert.equal(readFileSync("/run/netns/k-plain", "utf8"), "not a namespace\n");
  rmSync("/run/netns/k-plain");
  assert.equal(namespaceFileKind("k-plain", "read"), "missing");
});

test("a symbolic link to a namespace (the host's, say) is not a namespace bound at the path", () => {
  symlinkSync("/proc/1/ns/net", "/run/netns/k-link");
  assert.equal(namespaceFileKind("k-link", "read"), "not a namespace");
  rmSync("/run/netns/k-link");
});

test("another kind of namespace at the path is not a network namespace", () => {
  writeFileSync("/run/netns/k-uts", "");
  // A UTS namespace bound there, as `ip netns add` binds a network namespace.
  const mount = spawnSync("mount", ["--bind", "/proc/self/ns/uts", "/run/netns/k-uts"], { encoding: "utf8" });
  assert.equal(mount.status, 0, `bind mount of a UTS namespace: ${mount.stderr}`);
  assert.equal(namespaceFileKind("k-uts", "read"), "other namespace");
  deleteNetworkNamespace("k-uts", "delete k-uts");
});

test("delete is `ip netns del`: unmounted and removed; devices inside go with the namespace", async () => {
  createNetworkNamespace("k-del", "create k-del");
  ip("-n", "k-del", "link", "add", "kd0", "type", "veth", "peer", "name", "kd1");
  const peerHere = () => JSON.parse(ip("-j", "link", "show")) as IpLink[];
  ip("-n", "k-del", "link", "set", "kd1", "netns", String(process.pid));
  assert.ok(peerHere().some((link) => link.ifname === "kd1"), "one end of a veth pair here, the other in k-del");
  deleteNetworkNamespace("k-del", "delete k-del");
  assert.ok(!namespaceNames().includes("k-del"), "ip netns list no longer shows it");
  assert.equal(namespaceFileKind("k-del", "read"), "missing");
  assert.equal(mountsAt("/run/netns/k-del").length, 0, "no mount left");
  // Nothing holds the namespace any more, so the kernel dismantles it (in a work queue: soon, not at once),
  // and the veth end inside with it.
  assert.ok(await eventually(() => !peerHere().some((link) => link.ifname === "kd1")), "the pair went with the namespace");
});

test("a client kept for a namespace is closed before deletion, so the namespace really goes", async () => {
  createNetworkNamespace("k-client", "create k-client");
  const netlink = rtnetlink("k-client");
  assert.ok(netlink.getLink("lo", "read"));
  ip("-n", "k-client", "link", "add", "kc0", "type", "veth", "peer", "name", "kc1");
  ip("-n", "k-client", "link", "set", "kc1", "netns", String(process.pid));
  closeRtnetlink("k-client");
  deleteNetworkNamespace("k-client", "delete k-client");
  const gone = () => !(JSON.parse(ip("-j", "link", "show")) as IpLink[]).some((link) => link.ifname === "kc1");
  assert.ok(await eventually(gone), "no socket of ours kept the namespace (and the veth pair) alive");
});

test("a namespace made after another mount namespace was copied still appears there (shared /run/netns)", async () => {
  createNetworkNamespace("k-first", "create k-first"); // makes /run/netns shared before the copy below
  // A process in a mount namespace of its own (a slave of ours, as `unshare -m` after `ip netns add` gives),
  // waiting for a line before it looks.
  const child = spawn("unshare", ["--mount", "--propagation", "slave", "--", "sh", "-c", "read line; ip netns exec k-later ip -j link show"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  // The child must have copied the mount table before the namespace is made: it has when it waits for input.
  assert.ok(await eventually(() => mountNamespaceOf(child.pid) !== mountNamespaceOf(process.pid)), "the child unshared its mount namespace");
  createNetworkNamespace("k-later", "create k-later");
  child.stdin.end("go\n");
  const [code] = (await once(child, "exit")) as [number];
  assert.equal(code, 0, `ip netns exec k-later in the other mount namespace: ${errors}`);
  assert.deepEqual((JSON.parse(output) as IpLink[]).map((link) => link.ifname), ["lo"]);
});

function mountNamespaceOf(pid: number | undefined): string {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return "";
  }
}

/** Whether `condition` holds within a minute: far longer than the kernel's work queue needs, even on a loaded machine. */
async function eventually(condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
