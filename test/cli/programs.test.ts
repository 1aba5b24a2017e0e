// Every stack program of the repository (the root Pulumi.yaml and each examples/* directory) run through its
// whole life by the real Pulumi CLI (the pinned build) and the SDK's dynamic-provider host, in a private network
// namespace, every outcome checked in the kernel with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repositoryRoot } from "./support/paths";
import { programScenarios, programsRunElsewhere } from "./scenarios/programTable";
import { programSequence } from "./scenarios/sequence";

test("every program has a scenario entry", () => {
  const examples = readdirSync(join(repositoryRoot, "examples"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(repositoryRoot, "examples", entry.name, "Pulumi.yaml")))
    .map((entry) => `examples/${entry.name}`);
  const programs = [".", ...examples].sort();
  const covered = [...programScenarios.map((scenario) => scenario.directory), ...programsRunElsewhere].sort();
  assert.deepEqual(covered, programs, "add an entry to test/cli/scenarios/programTable.ts for each new example");
});

for (const scenario of programScenarios) programSequence(scenario);
