// NetworkdFiles through the real CLI, for every kind of device it writes files for (tap, tun, bridge, veth pair),
// each declared as a user would, without owner, group, alias or namespace: after `pulumi up`, a `pulumi preview`
// plans no change — the device's unset outputs are known to be unset in a preview too, so the files' inputs hold
// no unknowns. Then each device replaced under the same name (the tun by a mode change, the tap by multiQueue),
// or under a new one (the bridge, the pair): the files follow in the same `pulumi up`, a route out of the tap is
// made again, ports join the new bridge, and a preview agrees again.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { link } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun } from "./support/result";

const directory = mkdtempSync(join(tmpdir(), "networkd-devices-"));
let stack: CliStack;

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "networkd-devices"), config: { directory } });
});

after(async () => {
  await stack.destroyAndClose();
  rmSync(directory, { recursive: true, force: true });
});

const file = (name: string) => readFileSync(join(directory, name), "utf8");

/** The files there are, by stem: exactly one .netdev and one .network per device. */
function assertFiles(stems: readonly string[]): void {
  assert.deepEqual(readdirSync(directory).sort(), stems.flatMap((stem) => [`${stem}.netdev`, `${stem}.network`]).sort());
}

async function assertPreviewAgrees(context: string): Promise<void> {
  const preview = await stack.preview();
  assertOk(preview);
  assert.deepEqual(Object.keys(preview.changes), ["same"], `${context}: a preview after the up plans no change\n${describeRun(preview)}`);
}

async function upWith(key: string, value: string): Promise<void> {
  await stack.setConfig(key, value);
  const up = await stack.up();
  assertOk(up);
}

test("after up, a preview plans no change for any device kind's files (their unset outputs are known in a preview)", async () => {
  const up = await stack.up();
  assertOk(up);
  assertFiles(["50-ndbr0", "50-ndtap0", "50-ndtun0", "50-ndv0"]);
  assert.match(file("50-ndtun0.netdev"), /^Kind=tun$/m);
  assert.match(file("50-ndv0.network"), /^Bridge=ndbr0$/m);
  assert.match(file("50-ndtap0.network"), /^Destination=10\.191\.0\.0\/24$/m);
  await assertPreviewAgrees("after the first up");
});

test("the tun replaced by a mode change: its files now make a tap", async () => {
  await upWith("tunMode", "tap");
  assert.equal(link("ndtun0")?.linkinfo?.info_data?.type, "tap");
  assert.match(file("50-ndtun0.netdev"), /^Kind=tap$/m);
  await assertPreviewAgrees("tun → tap");
});

test("the tap replaced by multiQueue: its files say so, and the route out of it is made again", async () => {
  await upWith("tapMultiQueue", "true");
  assert.equal(link("ndtap0")?.linkinfo?.info_data?.multi_queue, true);
  assert.match(file("50-ndtap0.netdev"), /^MultiQueue=yes$/m);
  assert.deepEqual(routeLines(), ["10.191.0.0/24 dev ndtap0 table main metric 0 scope link"]);
  await assertPreviewAgrees("multiQueue");
});

test("the bridge replaced under a new name: new files, the old ones gone, the pair's end joins it in place", async () => {
  const port = link("ndv0")?.ifindex;
  await upWith("bridgeName", "ndbr1");
  assertFiles(["50-ndbr1", "50-ndtap0", "50-ndtun0", "50-ndv0"]);
  assert.deepEqual([link("ndv0")?.master, link("ndv0")?.ifindex], ["ndbr1", port]);
  assert.match(file("50-ndv0.network"), /^Bridge=ndbr1$/m);
  await assertPreviewAgrees("bridge renamed");
});

test("the pair replaced under a new name: its files follow", async () => {
  await upWith("pairName", "ndv1");
  assertFiles(["50-ndbr1", "50-ndtap0", "50-ndtun0", "50-ndv1"]);
  assert.equal(link("ndv1")?.master, "ndbr1");
  await assertPreviewAgrees("pair renamed");
});

test("destroy removes every file", async () => {
  const destroy = await stack.destroy();
  assertOk(destroy);
  assertFiles([]);
  assert.deepEqual(routeLines(), []);
});
