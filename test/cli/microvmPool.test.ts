// examples/microvm-net with `pool: true` through the real CLI: 100 microVMs' taps as one TapPool — one resource in
// the state, every tap in the kernel on its own /30, each guest's Firecracker settings naming its tap — then a
// no-change preview, one microVM fewer touching that tap alone, and destroy leaving nothing.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cidrs, link, links, namespaceFingerprint } from "../support/ip";
import { CliStack } from "./support/cliStack";
import { repositoryRoot } from "./support/paths";
import { describe as describeRun } from "./support/result";
import { resourcesOf } from "./support/stateView";
import { assertOk } from "./scenarios/sequence";

const COUNT = 100;

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  emptyNamespace = namespaceFingerprint();
  stack = await CliStack.open({
    projectDirectory: join(repositoryRoot, "examples", "microvm-net"),
    stackName: "pool",
    config: { count: String(COUNT), baseCidr: "172.16.0.0/16", pool: "true" },
  });
});

after(() => stack?.destroyAndClose());

function tapsInKernel(): string[] {
  return links()
    .filter((found) => found.ifname.startsWith("fc-tap"))
    .map((found) => found.ifname)
    .sort();
}

test(`up makes ${COUNT} taps as one TapPool, each with its /30`, async (t) => {
  const result = await stack.up();
  t.diagnostic(`up of ${COUNT} taps as one pool took ${Math.round(result.durationMs)} ms`);
  assertOk(result);
  assert.deepEqual(result.changes, { create: 2 }, describeRun(result));
  const ours = resourcesOf(await stack.exportState()).filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/"));
  assert.deepEqual(ours.map((resource) => resource.type), ["pulumi-nodejs:dynamic/tuntap:TapPool"]);
  assert.equal(tapsInKernel().length, COUNT);
  assert.deepEqual(cidrs("fc-tap0"), ["172.16.0.1/30"]);
  assert.deepEqual(cidrs(`fc-tap${COUNT - 1}`), ["172.16.1.141/30"]);
  assert.equal(link("fc-tap7")?.linkinfo?.info_data?.type, "tap");
  const guests = result.outputs.microVms as { vm: string; tap: string; firecrackerNetworkInterface: { host_dev_name: string; guest_mac: string } }[];
  assert.equal(guests.length, COUNT);
  assert.deepEqual([guests[7]?.vm, guests[7]?.tap, guests[7]?.firecrackerNetworkInterface.host_dev_name], ["microvm-7", "fc-tap7", "fc-tap7"]);
  assert.equal(guests[7]?.firecrackerNetworkInterface.guest_mac, "06:00:ac:10:00:1e");
});

test("preview --expect-no-changes passes", async () => {
  assertOk(await stack.preview({ expectNoChanges: true }));
});

test("one microVM fewer: the pool is updated in place and only the last tap goes", async () => {
  const before = link("fc-tap0");
  await stack.setConfig("count", String(COUNT - 1));
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 1, update: 1 }, describeRun(result));
  assert.equal(tapsInKernel().length, COUNT - 1);
  assert.equal(link(`fc-tap${COUNT - 1}`), undefined);
  assert.equal(link("fc-tap0")?.ifindex, before?.ifindex, "the kept taps are the same devices");
});

test("destroy leaves nothing", async () => {
  const result = await stack.destroy();
  assertOk(result);
  assert.deepEqual(result.changes, { delete: 2 }, describeRun(result));
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
