// 200 TapInterfaces in one stack through the real CLI: up and destroy at --parallel 16, every device checked
// in the kernel and nothing left behind.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { links, namespaceFingerprint } from "../support/ip";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { resourcesOf } from "./support/stateView";

const COUNT = 200;
const PARALLEL = 16;

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "many-taps"), config: { count: String(COUNT) } });
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  await stack.destroyAndClose();
});

test(`up creates ${COUNT} taps`, async (t) => {
  const result = await stack.up({ parallel: PARALLEL });
  t.diagnostic(`up of ${COUNT} taps took ${Math.round(result.durationMs)} ms`);
  assertOk(result);
  assert.deepEqual(result.changes, { create: COUNT + 1 }, describeRun(result));
  const byName = new Map(links().map((link) => [link.ifname, link]));
  for (let index = 0; index < COUNT; index++) {
    const tap = byName.get(`mt${index}`);
    assert.ok(tap, `ip -j link shows mt${index}`);
    assert.equal(tap.mtu, 1400);
    assert.equal(tap.linkinfo?.info_data?.type, "tap");
  }
  assert.equal((result.outputs.names as unknown[]).length, COUNT);
});

test(`destroy deletes the ${COUNT} taps`, async (t) => {
  const result = await stack.destroy({ parallel: PARALLEL });
  t.diagnostic(`destroy of ${COUNT} taps took ${Math.round(result.durationMs)} ms`);
  assertOk(result);
  assert.deepEqual(result.changes, { delete: COUNT + 1 }, describeRun(result));
  assert.equal(namespaceFingerprint(), emptyNamespace, "every tap is gone");
  assert.deepEqual(resourcesOf(await stack.exportState()), []);
});
