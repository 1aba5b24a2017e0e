// A secret stack config value used as an input and exported: the provider gets it in plaintext (the device's
// alias), the state file holds it only encrypted (inputs, outputs, the default provider's config, the stack
// output), a refresh decrypts it again to talk to the provider, and a changed secret is updated in place while
// nothing the CLI prints (preview --diff included) shows either value.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { namespaceFingerprint } from "../support/ip";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { mustLink } from "./support/kernel";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { resourcesOf, TAP_INTERFACE_TYPE } from "./support/stateView";

const ALIAS = "uplink-7f3a-secret";
const NEW_ALIAS = "uplink-9c1e-rotated";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

let stack: CliStack;
let emptyNamespace = "";

before(async () => {
  stack = await CliStack.open({
    projectDirectory: join(testProgramsDirectory, "secret-config"),
    config: { alias: { value: ALIAS, secret: true } },
    passphrase: "correct horse battery staple",
  });
  emptyNamespace = namespaceFingerprint();
});

after(async () => {
  await stack.destroyAndClose();
});

function isEncryptedSecret(value: unknown): boolean {
  const record = value as Record<string, unknown> | undefined;
  return record?.["4dabf18193072939515e22adb298388d"] === SECRET_SIGNATURE && typeof record.ciphertext === "string";
}

test("up gives the provider the plaintext and the program a secret output", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.equal(mustLink("sec0").ifalias, ALIAS, "the device's alias is the secret's value");
  assert.equal(result.outputs.alias, ALIAS, "the stack output, decrypted");
});

test("the state holds the secret only encrypted", async () => {
  const state = await stack.exportStoredState();
  assert.ok(!JSON.stringify(state).includes(ALIAS), "the plaintext appears nowhere in the state");
  const tap = resourcesOf(state).find((resource) => resource.type === TAP_INTERFACE_TYPE);
  assert.ok(isEncryptedSecret(tap?.inputs?.description), "the input is an encrypted secret");
  assert.ok(isEncryptedSecret(tap?.outputs?.description), "so is the output of the same name");
  const stackResource = resourcesOf(state).find((resource) => resource.type === "pulumi:pulumi:Stack");
  assert.ok(isEncryptedSecret(stackResource?.outputs?.alias), "and the stack output");
});

test("refresh decrypts it to read the device and finds no drift", async () => {
  const result = await stack.refresh();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 2 }, describeRun(result));
  assert.ok(!JSON.stringify(await stack.exportStoredState()).includes(ALIAS), "still encrypted after the refresh");
});

test("a changed secret: preview --diff shows the update with the value masked, up changes the alias in place, nothing printed shows a value", async () => {
  const ifindex = mustLink("sec0").ifindex;
  await stack.setConfig("alias", NEW_ALIAS, { secret: true });
  const preview = await stack.preview({ diff: true });
  assertOk(preview);
  assert.deepEqual(preview.changes, { update: 1, same: 1 }, describeRun(preview));
  // The engine shows the update and masks the value; with no detailed diff from the Node dynamic-provider host it
  // does not mark which secret changed.
  assert.ok(preview.output.some((line) => /^\s*~ pulumi-nodejs:dynamic\/tuntap:TapInterface: \(update\)$/.test(line)), preview.output.join("\n"));
  assert.ok(preview.output.some((line) => /^\s*description\s*: \[secret\]$/.test(line)), preview.output.join("\n"));
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { update: 1, same: 1 }, describeRun(result));
  assert.equal(mustLink("sec0").ifalias, NEW_ALIAS);
  assert.equal(mustLink("sec0").ifindex, ifindex, "changed in place");
  for (const printed of [preview.output, result.output].flat()) {
    assert.ok(!printed.includes(ALIAS) && !printed.includes(NEW_ALIAS), `the CLI printed a secret: ${printed}`);
  }
  assert.ok(!JSON.stringify(await stack.exportStoredState()).includes(NEW_ALIAS), "the new value is stored encrypted");
});

test("destroy", async () => {
  assertOk(await stack.destroy());
  assert.equal(namespaceFingerprint(), emptyNamespace);
});
