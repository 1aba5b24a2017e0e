// 200 TapInterfaces in one stack: up and destroy, with the engine's parallelism. With the stand-in, the
// provider calls also show the engine's concurrency rules: Checks never overlap (step generation is serial),
// Deletes do, never more than --parallel at once. Creates could overlap as much, but do not with this provider:
// each Create waits behind the next resource's Check in the one host process, whose synchronous koffi calls
// block its event loop, and the next Create is only sent once that Check has answered.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { links, namespaceFingerprint } from "../support/ip";
import type { ProviderCall } from "./deploy/providers";
import { describe as describeRun } from "./deploy/result";
import { testProgramsDirectory } from "./paths";
import { assertOk } from "./scenarios/sequence";
import { openStack, type TestStack } from "./stack";
import { resourcesOf } from "./stack/stateView";

const COUNT = 200;
const PARALLEL = 16;

/** The largest number of calls of one method in flight at the same moment. */
function maxOverlap(calls: readonly ProviderCall[], method: ProviderCall["method"]): number {
  const edges = calls
    .filter((call) => call.method === method)
    .flatMap((call) => [
      { at: call.started, delta: 1 },
      { at: call.ended, delta: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const edge of edges) {
    current += edge.delta;
    max = Math.max(max, current);
  }
  return max;
}

let stack: TestStack;
let emptyNamespace = "";

before(async () => {
  stack = await openStack({ projectDirectory: join(testProgramsDirectory, "many-taps"), config: { count: String(COUNT) }, parallel: PARALLEL });
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  if (resourcesOf(await stack.exportState()).length > 0) await stack.destroy();
  await stack.close();
});

test(`up creates ${COUNT} taps`, async (t) => {
  const result = await stack.up();
  t.diagnostic(`${result.engine}: up of ${COUNT} taps took ${Math.round(result.durationMs)} ms`);
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
  if (result.providerCalls !== undefined) {
    const creates = maxOverlap(result.providerCalls, "Create");
    t.diagnostic(`at most ${creates} Creates in flight at once (--parallel ${PARALLEL})`);
    assert.ok(creates <= PARALLEL, "never more than --parallel");
    assert.equal(maxOverlap(result.providerCalls, "Check"), 1, "Checks are serialized");
  }
});

test(`destroy deletes the ${COUNT} taps`, async (t) => {
  const result = await stack.destroy();
  t.diagnostic(`${result.engine}: destroy of ${COUNT} taps took ${Math.round(result.durationMs)} ms`);
  assertOk(result);
  assert.deepEqual(result.changes, { delete: COUNT + 1 }, describeRun(result));
  if (result.providerCalls !== undefined) {
    const deletes = maxOverlap(result.providerCalls, "Delete");
    t.diagnostic(`at most ${deletes} Deletes in flight at once`);
    assert.ok(deletes > 1 && deletes <= PARALLEL, "Deletes run in parallel, within --parallel");
  }
  assert.equal(namespaceFingerprint(), emptyNamespace, "every tap is gone");
  assert.deepEqual(resourcesOf(await stack.exportState()), []);
});
