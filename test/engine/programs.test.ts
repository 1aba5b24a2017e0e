// Every stack program of the repository (the root Pulumi.yaml and each examples/* directory) run through its
// whole life by Pulumi's own language runtime and dynamic-provider host, against the engine's protocol, in a
// private network namespace. The engine is the real CLI when `pulumi` is installed, the stand-in otherwise.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repositoryRoot } from "./paths";
import { programScenarios } from "./scenarios/programTable";
import { programSequence } from "./scenarios/sequence";
import { engineChoice } from "./stack";

test("engine", (t) => {
  const { engine, reason } = engineChoice();
  t.diagnostic(`scenarios run on ${engine}: ${reason}`);
});

test("every program has a scenario entry", () => {
  const examples = readdirSync(join(repositoryRoot, "examples"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(repositoryRoot, "examples", entry.name, "Pulumi.yaml")))
    .map((entry) => `examples/${entry.name}`);
  const programs = [".", ...examples].sort();
  const covered = programScenarios.map((scenario) => scenario.directory).sort();
  assert.deepEqual(covered, programs, "add an entry to test/engine/scenarios/programTable.ts for each new example");
});

for (const scenario of programScenarios) programSequence(scenario);
