// The everyday change workflows through the real CLI, on three taps: `pulumi preview --diff` names the changed
// property and tells an in-place update from a replacement; drift made with `ip` is named by
// `pulumi refresh --diff` and put back by `pulumi up --refresh`; `ignoreChanges` keeps a changed program value
// away from the device (drift is still put back: refresh records outputs, not inputs); `--target` changes
// only the resource named.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ip, namespaceFingerprint } from "../support/ip";
import { describe as describeRun, type RunResult } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { mustLink } from "./support/kernel";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";

const TAP_URN = "urn:pulumi:test::cli-workflow-changes::pulumi-nodejs:dynamic/tuntap:TapInterface::";

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  emptyNamespace = namespaceFingerprint();
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "workflow-changes") });
});

after(async () => {
  await stack.destroyAndClose();
});

/** The block `preview --diff` prints for one resource: from its "(update)"/"(replace)" header to the next header. */
function diffBlock(result: RunResult, resource: string): string {
  const lines = result.output;
  const urnLine = lines.findIndex((line) => line.trim() === `[urn=${TAP_URN}${resource}]`);
  assert.ok(urnLine > 1, `preview --diff shows ${resource}:\n${lines.join("\n")}`);
  const end = lines.findIndex((line, index) => index > urnLine && /^\S|^\s*(\+-|[~+-] )?pulumi[:-]|^\s*--outputs:--/.test(line.trimEnd()));
  return lines.slice(urnLine - 2, end === -1 ? undefined : end).join("\n");
}

test("up creates the three taps", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 4 }, describeRun(result));
});

test("preview --diff names the changed property of an in-place update", async (t) => {
  await stack.setConfig("alphaMtu", "1500");
  const before = namespaceFingerprint();
  const result = await stack.preview({ diff: true });
  assertOk(result);
  assert.deepEqual(result.changes, { update: 1, same: 3 }, describeRun(result));
  const block = diffBlock(result, "alpha");
  t.diagnostic(`preview --diff printed:\n${block}`);
  assert.match(block, /^\s*~ pulumi-nodejs:dynamic\/tuntap:TapInterface: \(update\)$/m);
  assert.match(block, /^\s*~ mtu\s*: 1400 => 1500$/m);
  assert.equal(block.match(/^\s*[~+-] \w+\s*:/gm)?.length, 1, "no other property is marked");
  assert.equal(namespaceFingerprint(), before, "a preview touches nothing");
});

test("preview --diff tells a replacement, and why", async (t) => {
  await stack.setConfig("alphaMode", "tun");
  const result = await stack.preview({ diff: true });
  assertOk(result);
  assert.deepEqual(result.changes, { replace: 1, same: 3 }, describeRun(result));
  const block = diffBlock(result, "alpha");
  t.diagnostic(`preview --diff printed:\n${block}`);
  assert.match(block, /^\s*\+-pulumi-nodejs:dynamic\/tuntap:TapInterface: \(replace\)$/m);
  assert.match(block, /^\s*~ mode\s*: "tap" => "tun"$/m);
  const replace = result.steps.find((step) => step.op === "replace" && step.urn === `${TAP_URN}alpha`);
  assert.deepEqual(replace?.keys, ["mode"], "the engine reports mode as the reason for the replacement");
  await stack.removeConfig("alphaMode");
  await stack.removeConfig("alphaMtu");
});

test("drift made with ip: pulumi refresh --diff names it, up --refresh puts it back", async (t) => {
  ip("link", "set", "dev", "wfb0", "mtu", "1300");
  const plain = await stack.preview();
  assert.deepEqual(plain.changes, { same: 4 }, `without a refresh the CLI cannot know\n${describeRun(plain)}`);

  const refreshPreview = await stack.cli(["refresh", "--diff", "--preview-only"]);
  assert.equal(refreshPreview.code, 0, refreshPreview.stderr);
  t.diagnostic(`pulumi refresh --diff --preview-only printed:\n${refreshPreview.stdout}`);
  assert.match(refreshPreview.stdout, new RegExp(`\\[urn=${TAP_URN}beta\\][^]*?~ mtu\\s*: 1400 => 1300`));
  assert.equal(mustLink("wfb0").mtu, 1300, "a refresh preview changes nothing");

  const result = await stack.up({ refresh: true });
  assertOk(result);
  assert.deepEqual(result.changes, { update: 1, same: 3 }, describeRun(result));
  assert.ok(result.steps.some((step) => step.op === "update" && step.urn === `${TAP_URN}beta`), describeRun(result));
  assert.equal(mustLink("wfb0").mtu, 1400, "the declared MTU is back");
});

test("ignoreChanges: a changed program value never reaches the device", async () => {
  await stack.setConfig("gammaMtu", "1600");
  const before = namespaceFingerprint();
  const preview = await stack.preview({ diff: true });
  assertOk(preview);
  assert.deepEqual(preview.changes, { same: 4 }, describeRun(preview));
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 4 }, describeRun(result));
  assert.equal(namespaceFingerprint(), before, "the kernel is untouched");
  assert.equal(mustLink("wfc0").mtu, 1400);
});

test("ignoreChanges does not hide drift: up --refresh puts back the recorded input", async () => {
  ip("link", "set", "dev", "wfc0", "mtu", "1300");
  const result = await stack.up({ refresh: true });
  assertOk(result);
  assert.deepEqual(result.changes, { update: 1, same: 3 }, describeRun(result));
  assert.equal(mustLink("wfc0").mtu, 1400, "the MTU recorded before ignoreChanges took effect, not the program's 1600");
  await stack.removeConfig("gammaMtu");
});

test("--target changes only the resource named; the next full up does the rest", async () => {
  await stack.setConfig("alphaMtu", "1500");
  await stack.setConfig("betaMtu", "1500");
  const targeted = await stack.up({ target: [`${TAP_URN}alpha`] });
  assertOk(targeted);
  assert.deepEqual(targeted.changes, { update: 1, same: 3 }, describeRun(targeted));
  assert.equal(mustLink("wfa0").mtu, 1500, "the target is changed");
  assert.equal(mustLink("wfb0").mtu, 1400, "the other tap is not");

  const preview = await stack.preview();
  assert.deepEqual(preview.changes, { update: 1, same: 3 }, `beta's change is still pending\n${describeRun(preview)}`);
  const rest = await stack.up();
  assertOk(rest);
  assert.equal(mustLink("wfb0").mtu, 1500);
});

test("destroy", async () => {
  assertOk(await stack.destroy());
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
