// A create that answers with a partial failure (ErrorResourceInitFailed: the resource exists but did not
// initialise): the run fails, yet the resource is recorded with its init errors; the next up, with nothing
// changed, retries it as an update, which clears them. The program's own provider touches no kernel.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { describe as describeRun } from "./support/result";
import { testProgramsDirectory } from "./support/paths";
import { assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { resourcesOf } from "./support/stateView";

const THING_TYPE = "pulumi-nodejs:dynamic/engine:Thing";

let stack: CliStack;

before(async () => {
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "partial-failure") });
});

after(async () => {
  await stack.close();
});

async function thing() {
  return resourcesOf(await stack.exportState()).find((resource) => resource.type === THING_TYPE) as
    | (ReturnType<typeof resourcesOf>[number] & { initErrors?: string[] })
    | undefined;
}

test("a partial failure fails the up but records the resource with its init errors", async () => {
  const result = await stack.up();
  assert.equal(result.ok, false, describeRun(result));
  // The engine reports a partial failure by its reasons, not by the error's message.
  assert.ok(result.errors.some((error) => error.includes("still booting")), result.errors.join("\n"));
  const recorded = await thing();
  assert.equal(recorded?.id, "thing-1");
  assert.equal(recorded?.outputs?.health, "half made");
  assert.deepEqual(recorded?.initErrors, ["still booting"]);
});

test("the next up retries it as an update even though nothing changed", async () => {
  await stack.setConfig("broken", "false");
  const result = await stack.up();
  assertOk(result);
  assert.equal(result.changes.update, 1, describeRun(result));
  const healed = await thing();
  assert.equal(healed?.outputs?.health, "ok");
  assert.equal(healed?.initErrors, undefined, "the init errors are gone");
  assert.equal(result.outputs.health, "ok");
  assertOk(await stack.destroy());
  assert.deepEqual(resourcesOf(await stack.exportState()), []);
});
