// A Vxlan through the real CLI: bad input refused by check; made over a VethPair underlay in a Bridge; its peers changed in place (exactly the
// remotes that differ, checked with `bridge -j fdb`); drift — a remote added by hand — found by refresh, shown by
// preview and removed by up; and what the kernel removes with a replaced device back after that one `pulumi up`:
// the VXLAN device with its underlay (the pair replaced under the same name), its bridge port with its bridge (a
// bridge of another name). A second preview then shows no change. Destroy leaves nothing.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { bridgeCommand, fdbEntries, floodDestinations } from "../support/bridgeFdb";
import { ip, namespaceFingerprint } from "../support/ip";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { assertGone, mustLink } from "./support/kernel";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun, type RunResult } from "./support/result";

let stack: CliStack;
let empty = "";

before(async () => {
  ip("netns", "add", "cxlab");
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "vxlan") });
  empty = namespaceFingerprint();
});

after(async () => {
  await stack.destroyAndClose();
});

/** The device as declared: over cxu0, in `bridge`, flooding to `peers`. */
function assertOverlay(bridge: string, peers: string[]): number {
  const device = mustLink("cxvx0");
  assert.equal(device.linkinfo?.info_data?.link, "cxu0", "bound to the underlay");
  assert.equal(device.linkinfo?.info_data?.id, 4242);
  assert.equal(device.master, bridge, `a port of ${bridge}`);
  assert.ok(device.flags.includes("UP"));
  assert.deepEqual(floodDestinations("cxvx0"), peers);
  return device.ifindex;
}

async function assertNothingToDo(): Promise<void> {
  const preview = await stack.preview();
  assertOk(preview);
  assert.deepEqual(preview.changes, { same: 4 }, `a second preview shows no change\n${describeRun(preview)}`);
}

function opsOf(result: RunResult): string[] {
  return result.steps.map((step) => `${step.op} ${step.urn.slice(step.urn.lastIndexOf("::") + 2)}`).sort();
}

test("bad input — a VNI out of range, a port of 0, a peer of the other family — is refused by check, naming each property", async () => {
  const refusals = async (config: Record<string, string>): Promise<string> => {
    for (const [key, value] of Object.entries(config)) await stack.setConfig(key, value);
    try {
      const preview = await stack.preview();
      assert.equal(preview.ok, false, describeRun(preview));
      return preview.errors.join("\n");
    } finally {
      for (const key of Object.keys(config)) await stack.removeConfig(key);
    }
  };
  const ranges = await refusals({ vni: "16777216", destinationPort: "0" });
  assert.match(ranges, /property vni\b.*a VNI is a 24-bit number from 1 to 16777215 \(0 is left unused\), got 16777216/);
  assert.match(ranges, /property destinationPort\b.*got 0 \(the kernel would take 0 as its own default, 8472/);
  const family = await refusals({ peers: JSON.stringify(["192.0.2.2", "fd00::3"]) });
  assert.match(family, /property peers\[1\].*fd00::3 is IPv6 but the local address 192\.0\.2\.1 is IPv4/);
  assert.equal(namespaceFingerprint(), empty, "nothing reached the kernel");
});

test("up makes the bridge, the underlay and the VXLAN device over it, in the bridge, with its peers", async () => {
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { create: 4 }, describeRun(up));
  assertOverlay("cxlab0", ["192.0.2.2", "192.0.2.3"]);
  assert.equal(mustLink("cxvx0").mtu, 1450);
  await assertNothingToDo();
});

test("a peer added and one removed: one in-place update, exactly those remotes change", async () => {
  const before = fdbEntries("cxvx0").map((entry) => JSON.stringify(entry));
  const ifindex = mustLink("cxvx0").ifindex;
  await stack.setConfig("peers", JSON.stringify(["192.0.2.3", "192.0.2.4"]));
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { same: 3, update: 1 }, describeRun(up));
  assert.equal(assertOverlay("cxlab0", ["192.0.2.3", "192.0.2.4"]), ifindex, "the same device");
  const after = fdbEntries("cxvx0").map((entry) => JSON.stringify(entry));
  assert.deepEqual(
    before.filter((entry) => !after.includes(entry)).map((entry) => JSON.parse(entry).dst),
    ["192.0.2.2"],
  );
  assert.deepEqual(
    after.filter((entry) => !before.includes(entry)).map((entry) => JSON.parse(entry).dst),
    ["192.0.2.4"],
  );
});

test("a remote added by hand: refresh finds it, preview shows the update, up removes it alone", async () => {
  bridgeCommand(["fdb", "append", "00:00:00:00:00:00", "dst", "203.0.113.7", "dev", "cxvx0"]);
  const refresh = await stack.refresh();
  assertOk(refresh);
  assert.deepEqual(refresh.changes, { same: 3, update: 1 }, describeRun(refresh));
  const preview = await stack.preview();
  assertOk(preview);
  assert.deepEqual(preview.changes, { same: 3, update: 1 }, describeRun(preview));
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(floodDestinations("cxvx0"), ["192.0.2.3", "192.0.2.4"]);
  await assertNothingToDo();
});

test("the underlay replaced (its peer moved into a namespace): the VXLAN device the kernel deleted with it is back after that one up", async () => {
  const before = mustLink("cxvx0").ifindex;
  await stack.setConfig("underlayPeerNetns", "cxlab");
  const preview = await stack.preview();
  assertOk(preview);
  assert.deepEqual(preview.changes, { same: 2, replace: 2 }, `preview shows both replacements\n${describeRun(preview)}`);
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { same: 2, replace: 2 }, describeRun(up));
  assert.ok(opsOf(up).includes("replace overlay"), opsOf(up).join(", "));
  assert.notEqual(assertOverlay("cxlab0", ["192.0.2.3", "192.0.2.4"]), before, "a new device, over the new underlay");
  mustLink("cxu0p", "cxlab");
  await assertNothingToDo();
});

test("the bridge replaced (another name): the VXLAN device is a port of the new one after that one up", async () => {
  await stack.setConfig("bridgeName", "cxlab1");
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { same: 2, replace: 2 }, describeRun(up));
  assertGone("cxlab0");
  assertOverlay("cxlab1", ["192.0.2.3", "192.0.2.4"]);
  await assertNothingToDo();
});

test("destroy leaves nothing", async () => {
  const destroyed = await stack.destroy();
  assertOk(destroyed);
  assert.equal(namespaceFingerprint(), empty);
  assertGone("cxu0p", "cxlab");
});
