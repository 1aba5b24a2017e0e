// A TapPool through the real CLI (test/cli/programs/tap-pool): one resource for all its devices; grow 3 → 5 and
// shrink 5 → 2 touching only the devices that change (the others exactly as `ip -j -d link` saw them); drift found
// by refresh, shown by preview and repaired by up; an up that fails halfway rolled back to the devices as they
// were; preview agreeing with the kernel afterwards; destroy leaving nothing.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ip, type IpLink, namespaceFingerprint } from "../support/ip";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun, type RunResult } from "./support/result";
import { type ExportedResource, resourcesOf } from "./support/stateView";

let stack: CliStack;
let emptyNamespace = "";

/** Every link as `ip -j -d link` shows it, by name (lo left out). */
function detailed(): Map<string, IpLink> {
  return new Map((JSON.parse(ip("-j", "-d", "link", "show")) as IpLink[]).filter((entry) => entry.ifname !== "lo").map((entry) => [entry.ifname, entry]));
}

/** Our pool in the state (the stack and the default provider left out). */
async function poolInState(): Promise<ExportedResource | undefined> {
  return resourcesOf(await stack.exportState()).find((resource) => resource.type === "pulumi-nodejs:dynamic/tuntap:TapPool");
}

/** IPv6 on or off in this test's own network namespace. */
function ipv6(on: boolean): void {
  const value = on ? 0 : 1;
  execFileSync("sysctl", ["-qw", `net.ipv6.conf.all.disable_ipv6=${value}`, `net.ipv6.conf.default.disable_ipv6=${value}`]);
}

function poolNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `tp${index}`);
}

function assertUnchanged(before: Map<string, IpLink>, after: Map<string, IpLink>, names: readonly string[], what: string): void {
  for (const name of names) assert.deepEqual(after.get(name), before.get(name), `${what}: ${name} is exactly as it was`);
}

/** The pool's step only: the stack itself is always `same`. */
function assertPoolStep(result: RunResult, op: string): void {
  assertOk(result);
  assert.deepEqual(result.changes, op === "same" ? { same: 2 } : { same: 1, [op]: 1 }, describeRun(result));
}

before(async () => {
  emptyNamespace = namespaceFingerprint();
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "tap-pool"), config: { count: "3" } });
});

after(async () => {
  await stack.destroyAndClose();
});

test("up makes the pool's three devices as one resource, with per-device outputs", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2 }, describeRun(result));
  const seen = detailed();
  for (const name of poolNames(3)) {
    assert.equal(seen.get(name)?.mtu, 1400, `${name} mtu`);
    assert.equal(seen.get(name)?.linkinfo?.info_data?.type, "tap");
  }
  assert.deepEqual(result.outputs.names, poolNames(3));
  assert.equal(result.outputs.firstMac, seen.get("tp0")?.address);
  const resources = resourcesOf(await stack.exportState()).filter((resource) => resource.custom === true && !resource.type.startsWith("pulumi:"));
  assert.deepEqual(
    resources.map((resource) => resource.type),
    ["pulumi-nodejs:dynamic/tuntap:TapPool"],
    "one resource in the state for all devices",
  );
  assertOk(await stack.preview({ expectNoChanges: true }));
});

test("grow 3 → 5: only the two new devices are made", async () => {
  const before = detailed();
  await stack.setConfig("count", "5");
  assertPoolStep(await stack.up(), "update");
  const after = detailed();
  assertUnchanged(before, after, poolNames(3), "growth");
  assert.deepEqual([...after.keys()].sort(), poolNames(5));
  assertOk(await stack.preview({ expectNoChanges: true }));
});

test("shrink 5 → 2: only the three removed devices are deleted", async () => {
  const before = detailed();
  await stack.setConfig("count", "2");
  const result = await stack.up();
  assertPoolStep(result, "update");
  const after = detailed();
  assertUnchanged(before, after, poolNames(2), "shrink");
  assert.deepEqual([...after.keys()].sort(), poolNames(2));
  assert.deepEqual(result.outputs.names, poolNames(2));
});

test("drift: refresh finds a device deleted and one changed by hand, preview shows it, up repairs only those", async () => {
  await stack.setConfig("count", "3");
  assertPoolStep(await stack.up(), "update");
  const before = detailed();
  ip("link", "del", "tp1");
  ip("link", "set", "tp2", "mtu", "1300");
  const refreshed = await stack.refresh();
  assertOk(refreshed);
  const pool = await poolInState();
  assert.deepEqual(Object.keys((pool?.outputs?.devices ?? {}) as object), ["vm-0", "vm-2"], "the state now knows vm-1 is missing");
  const preview = await stack.preview();
  assertOk(preview);
  assert.deepEqual(preview.changes, { same: 1, update: 1 }, describeRun(preview));
  assertPoolStep(await stack.up(), "update");
  const after = detailed();
  assert.equal(after.get("tp1")?.mtu, 1400, "tp1 made again");
  assert.equal(after.get("tp2")?.mtu, 1400, "tp2 set back");
  assert.equal(after.get("tp2")?.ifindex, before.get("tp2")?.ifindex, "tp2 is the same device");
  assertUnchanged(before, after, ["tp0"], "repair");
  assertOk(await stack.preview({ expectNoChanges: true }));
});

test("an up that fails halfway is rolled back: the devices and the state as they were", async () => {
  // The kernel refuses IPv6 addresses in this (private) namespace from now on: the fifth device fails after
  // the fourth was made and the others' MTU raised.
  ipv6(false);
  const before = detailed();
  const stateBefore = (await poolInState())?.outputs;
  await stack.setConfig("count", "5");
  await stack.setConfig("mtu", "1500");
  await stack.setConfig("ipv6Index", "4");
  const result = await stack.up();
  assert.equal(result.ok, false, describeRun(result));
  assert.ok(
    result.errors.some((error) => /device vm-4: .*add address fd00:9::5\/64/.test(error) && /Rolled back: /.test(error)),
    `the error names the device and what was rolled back:\n${result.errors.join("\n")}`,
  );
  assert.deepEqual(detailed(), before, "every device as it was, none made");
  assert.deepEqual((await poolInState())?.outputs, stateBefore, "the state as it was");
  // Fixed: the same up goes through.
  ipv6(true);
  await stack.removeConfig("ipv6Index");
  assertPoolStep(await stack.up(), "update");
  assert.deepEqual(
    [...detailed().values()].map((entry) => [entry.ifname, entry.mtu]).sort(),
    poolNames(5).map((name) => [name, 1500]),
  );
  assertOk(await stack.preview({ expectNoChanges: true }));
});

test("destroy leaves nothing", async () => {
  const result = await stack.destroy();
  assertOk(result);
  assert.deepEqual(result.changes, { delete: 2 }, describeRun(result));
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
