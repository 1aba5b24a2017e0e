// An input the provider's Check rejects: preview and up fail naming the property, nothing reaches the kernel,
// and once the config is fixed the same stack goes up.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { link, namespaceFingerprint } from "../support/ip";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { devicesOf, resourcesOf, TAP_INTERFACE_TYPE } from "./support/stateView";

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "bad-input") });
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  await stack.destroyAndClose();
});

function assertRejectsMtu(errors: readonly string[]): void {
  const rejection = errors.find((error) => /property mtu\b/.test(error));
  assert.ok(rejection, `an error names the property mtu:\n${errors.join("\n")}`);
  assert.match(rejection, /70000/, "and the value");
}

test("preview rejects the bad input, naming the property", async () => {
  const result = await stack.preview();
  assert.equal(result.ok, false, describeRun(result));
  assertRejectsMtu(result.errors);
  assert.equal(namespaceFingerprint(), emptyNamespace, "nothing reached the kernel");
});

test("up fails the same way and creates no device", async () => {
  const result = await stack.up();
  assert.equal(result.ok, false, describeRun(result));
  assertRejectsMtu(result.errors);
  assert.equal(link("bad0"), undefined);
  const types = resourcesOf(await stack.exportState()).map((resource) => resource.type);
  assert.ok(!types.includes(TAP_INTERFACE_TYPE), `the state holds no TapInterface: ${types.join(", ")}`);
});

test("with the input fixed, the stack goes up", async () => {
  await stack.setConfig("mtu", "1400");
  const result = await stack.up();
  assertOk(result);
  assert.equal(link("bad0")?.mtu, 1400);
  assert.equal(devicesOf(await stack.exportState()).length, 1);
  assertOk(await stack.destroy());
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
