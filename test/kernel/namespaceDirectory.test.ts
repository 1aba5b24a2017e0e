// The first namespace on a host where /run/netns is not yet a mount point of its own (it usually is not):
// like `ip netns add`, the kernel layer makes the directory, bind-mounts it onto itself and makes it shared.
// This file runs alone in its mount namespace, with a fresh tmpfs on /run, so /run/netns does not exist yet.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { test } from "node:test";
import { createNetworkNamespace, deleteNetworkNamespace } from "pulumi-tuntap/kernel";

/** /proc/self/mountinfo lines whose mount point is `path`. */
const mountsAt = (path: string) => readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((line) => line.split(" ")[4] === path);

test("/run/netns is made, bound onto itself and shared on first use", () => {
  execFileSync("mount", ["-t", "tmpfs", "tmpfs", "/run"]);
  assert.throws(() => statSync("/run/netns"), /ENOENT/, "no /run/netns to begin with");
  // mountinfo still lists the test's own /run/netns, hidden under the new /run: count what is added.
  const hidden = mountsAt("/run/netns").length;
  createNetworkNamespace("d-first", "create d-first");
  assert.equal(statSync("/run/netns").mode & 0o777, 0o755);
  const directoryMounts = mountsAt("/run/netns");
  assert.equal(directoryMounts.length, hidden + 1, "one mount on /run/netns: the directory bound onto itself");
  assert.match(directoryMounts.at(-1) ?? "", /shared:\d+/, "and shared");
  assert.deepEqual(JSON.parse(execFileSync("ip", ["-j", "netns", "list"], { encoding: "utf8" })), [{ name: "d-first" }]);
  // A second namespace finds the directory ready: no second mount of it.
  createNetworkNamespace("d-second", "create d-second");
  assert.equal(mountsAt("/run/netns").length, hidden + 1);
  deleteNetworkNamespace("d-first", "delete d-first");
  deleteNetworkNamespace("d-second", "delete d-second");
  assert.equal(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }), "");
});
