// pulumi-tuntap in a user's own project outside this repository (support/userProject.ts), every resource kind
// through the real CLI and the Node language host: first as a linked folder (`npm install <this checkout>`), then
// as npm installs a release (`npm pack` here, `npm install <tarball>` there). Installed either way under
// node_modules, each provider is recorded by the package's name, one line requiring "pulumi-tuntap/classProviders"
// and taking the kind's, in every resource's inputs and outputs: the engine rewrites the whole state at each step,
// so every byte of it costs time quadratic in the number of resources. Checked here: the subpath is exported and
// resolves in the dynamic-provider host (update, refresh and destroy all load it from the state), a stack made
// from the linked folder moves to the tarball without replacing anything, and the cycle users run: up,
// preview --expect-no-changes, an update in place, refresh --expect-no-changes, destroy.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import type { CliStack } from "./support/cliStack";
import { repositoryRoot } from "./support/paths";
import { describe as describeRun } from "./support/result";
import { assertOk } from "./scenarios/sequence";
import {
  assertNoChange,
  packRepository,
  providerByName,
  recordedProvider,
  resourcesByKind,
  USER_PROJECT_KINDS,
  USER_PROJECT_RESOURCES,
  type UserProject,
  UserStack,
} from "./support/userProject";

let user: UserStack;
let stack: CliStack;
let project: UserProject;
let packDirectory = "";
let tarball = "";

const escaped = (text: string) => new RegExp(text.replace(/[()".\/]/g, "\\$&"));

before(async () => {
  packDirectory = mkdtempSync(join(tmpdir(), "pulumi-tuntap-pack-"));
  tarball = packRepository(packDirectory);
  user = await UserStack.create((project) => project.install(repositoryRoot));
  ({ stack, project } = user);
});

after(async () => {
  try {
    await user?.close();
  } finally {
    rmSync(packDirectory, { recursive: true, force: true });
  }
});

test("from a linked folder (npm install <checkout>), the state names each provider by the package's name", async () => {
  assert.equal(resolve(project.directory, (project.dependency() ?? "").replace(/^file:/, "")), repositoryRoot, "package.json depends on this checkout");
  assert.ok(lstatSync(join(project.directory, "node_modules", "pulumi-tuntap")).isSymbolicLink(), "npm linked the folder");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: USER_PROJECT_RESOURCES }, describeRun(result));
  for (const [kind, resource] of await resourcesByKind(stack)) {
    const text = recordedProvider(resource, "outputs");
    assert.ok(text.includes(providerByName(kind)), `${kind}: by name`);
    assert.ok(text.length < 100, `${kind}: one line (${text.length} characters)`);
  }
});

test("npm install of the packed tarball replaces nothing; new inputs name the provider", async () => {
  project.install(tarball);
  assert.match(project.dependency() ?? "", /^file:.*pulumi-tuntap-.*\.tgz$/);
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: USER_PROJECT_RESOURCES }, describeRun(result));
  const state = await resourcesByKind(stack);
  assert.deepEqual([...state.keys()].sort(), [...USER_PROJECT_KINDS].sort());
  for (const [kind, resource] of state) {
    assert.match(recordedProvider(resource, "inputs"), escaped(providerByName(kind)), `${kind}: inputs by name`);
    assert.match(recordedProvider(resource, "outputs"), escaped(providerByName(kind)), `${kind}: outputs by name`);
  }
});

test("preview --expect-no-changes: nothing to change", async () => {
  assertNoChange(await stack.preview({ expectNoChanges: true }));
});

test("an update in place loads every provider by name from the host and records it", async (t) => {
  const result = await user.upWithMtu(1400);
  for (const [kind, resource] of await resourcesByKind(stack)) {
    const text = recordedProvider(resource, result.steps.some((step) => step.op === "update" && step.urn === resource.urn) ? "outputs" : "inputs");
    assert.ok(text.includes(providerByName(kind)), `${kind}: by name`);
    assert.ok(text.length < 100, `${kind}: ${text.length} characters`);
    t.diagnostic(`${kind}: provider recorded in ${text.length} characters`);
  }
});

test("refresh --expect-no-changes reads every resource through the installed package and finds no drift", () => user.assertRefreshFindsNoDrift());

test("destroy removes everything through the installed package", () => user.assertDestroyLeavesNothing());
