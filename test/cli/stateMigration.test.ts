// A stack made with the package as it was before the state got smaller (inputs recorded with their defaults,
// our class's own line as every resource's source position) moves to this package without replacing or
// changing anything: a user project (support/userProject.ts) with one resource of each kind is brought up with
// the former package, then with this one — every step `same` — and its state is then the new, smaller one.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { link } from "../support/ip";
import { assertOk } from "./scenarios/sequence";
import { packFormerRelease } from "./support/formerRelease";
import { describe as describeRun } from "./support/result";
import { resourcesOf } from "./support/stateView";
import { assertNoChange, packRepository, resourcesByKind, USER_PROJECT_KINDS, USER_PROJECT_RESOURCES, UserStack } from "./support/userProject";

/** main before issue 23's smaller state: TapInterface inputs with every default, sourcePosition in our class. */
const FORMER_COMMIT = "d3ee1dbb841e2d87b6c07f95529d336c3fb445e3";

let packDirectory = "";
let former = "";
let current = "";
let user: UserStack;

before(async () => {
  packDirectory = mkdtempSync(join(tmpdir(), "pulumi-tuntap-pack-"));
  former = packFormerRelease(FORMER_COMMIT, packDirectory);
  current = packRepository(packDirectory);
  user = await UserStack.create((project) => project.install(former));
});

after(async () => {
  try {
    await user?.close();
  } finally {
    rmSync(packDirectory, { recursive: true, force: true });
  }
});

test("the former package makes the stack: defaults in the inputs, our class as the source position", async () => {
  const result = await user.stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: USER_PROJECT_RESOURCES }, describeRun(result));
  const tap = (await resourcesByKind(user.stack)).get("TapInterface") as { inputs?: Record<string, unknown>; sourcePosition?: string } | undefined;
  assert.equal(tap?.inputs?.mode, "tap", "the former inputs hold the default mode");
  assert.match(String(tap?.sourcePosition), /node_modules\/pulumi-tuntap\//);
});

/** What an up could have changed of a device (a bridge's timers move on their own). */
function settingsOf(name: string): unknown {
  const seen = link(name);
  return seen && [seen.ifindex, seen.ifname, seen.mtu, [...seen.flags].sort(), seen.address, seen.master, seen.altnames];
}

test("this package's up changes nothing — every resource same, every device the same — and records the smaller state", async () => {
  const devices = ["ipkgbr", "ipkgtap", "ipkg0"];
  const before = devices.map(settingsOf);
  user.project.install(current);
  const result = await user.stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: USER_PROJECT_RESOURCES }, describeRun(result));
  assert.deepEqual(devices.map(settingsOf), before, "every device as it was");
  const state = await resourcesByKind(user.stack);
  assert.deepEqual([...state.keys()].sort(), [...USER_PROJECT_KINDS].sort());
  const tap = state.get("TapInterface") as { inputs?: Record<string, unknown>; sourcePosition?: string } | undefined;
  assert.deepEqual(Object.keys(tap?.inputs ?? {}).sort(), ["__provider", "bridge", "managedBy", "mtu", "name", "up"], "only what the program gave");
  assert.match(String(tap?.sourcePosition), /^project:\/\/\/index\.ts#\d+,\d+$/, "the user's line");
  for (const resource of resourcesOf(await user.stack.exportState()).filter((entry) => entry.type.startsWith("pulumi-nodejs:dynamic/tuntap:"))) {
    assert.ok(!String((resource as { sourcePosition?: string }).sourcePosition).includes("node_modules"), `${resource.urn}: the user's line`);
  }
});

test("refresh finds no drift; a preview then knows every output of the former package's form (NetworkdFiles takes all of the tap's)", async () => {
  // The former package did not record unset outputs as null: the refresh records them (README, "Unset outputs").
  await user.assertRefreshFindsNoDrift();
  assertNoChange(await user.stack.preview({ expectNoChanges: true }));
});

/** The state's own record of our resources' outputs, as `pulumi stack export` prints them. */
async function recordedOutputs(): Promise<Map<string, Record<string, unknown>>> {
  const state = await user.stack.exportState();
  const resources = ((state.deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] }).resources ?? []).filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/tuntap:"));
  return new Map(resources.map((resource) => [resource.type.split(":").pop() ?? "", resource.outputs ?? {}]));
}

test("an update in place records the updated resources' outputs in two parts, which the next preview knows", async () => {
  const result = await user.upWithMtu(1400);
  const updatedKinds = new Set(result.steps.filter((step) => step.op === "update").map((step) => step.urn.split("::")[2]?.split(":").pop()));
  assert.ok(updatedKinds.has("TapInterface"), describeRun(result));
  for (const [kind, outputs] of await recordedOutputs()) {
    assert.equal(typeof outputs.observed === "string", updatedKinds.has(kind), `${kind}: in two parts if and only if updated`);
  }
  const tap = (await recordedOutputs()).get("TapInterface") ?? {};
  assert.deepEqual(Object.keys(tap).sort(), ["__provider", "bridge", "mtu", "name", "observed", "up"], "what the program gave, then the rest");
  const observed = JSON.parse(String(tap.observed)) as { mode?: unknown; managedBy?: unknown };
  assert.equal(observed.mode, "tap");
  assert.match(String(observed.managedBy), /\/tap$/, "the identity the class gives, with the observed part");
  assertNoChange(await user.stack.preview({ expectNoChanges: true }));
  await user.assertDestroyLeavesNothing();
});
