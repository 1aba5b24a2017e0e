// pulumi-tuntap as a git dependency of a user's own project outside this repository
// (`npm install git+file://<this repository>#<commit>`, as `git+https://…` would be): npm clones the repository,
// installs its dependencies there and runs its `prepare` script, which builds dist/ (not committed), then packs
// it and installs the tarball. Then the cycle users run, through the real CLI and the Node language host: up,
// preview --expect-no-changes, an update in place, refresh --expect-no-changes, destroy. The dependency is the
// commit this checkout is at: what is not committed is not in it, as for any git dependency.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { CliStack } from "./support/cliStack";
import { repositoryRoot } from "./support/paths";
import { describe as describeRun } from "./support/result";
import { assertOk } from "./scenarios/sequence";
import {
  assertNoChange,
  providerByName,
  recordedProvider,
  repositoryCommit,
  resourcesByKind,
  USER_PROJECT_RESOURCES,
  type UserProject,
  UserStack,
} from "./support/userProject";

let user: UserStack;
let stack: CliStack;
let project: UserProject;
const commit = repositoryCommit();

before(async () => {
  user = await UserStack.create((project) => project.install(`git+file://${repositoryRoot}#${commit}`));
  ({ stack, project } = user);
});

after(() => user?.close());

test("npm install git+file://…#<commit> builds the package (prepare) and installs the build as a copy", () => {
  assert.equal(project.dependency(), `git+file://${repositoryRoot}#${commit}`);
  const installed = join(project.directory, "node_modules", "pulumi-tuntap");
  assert.ok(!lstatSync(installed).isSymbolicLink(), "a copy, not a link");
  for (const file of ["index.js", "index.d.ts", "resources/tapInterface/provider.js"]) assert.ok(existsSync(join(installed, "dist", file)), `dist/${file} was built`);
  assert.ok(!existsSync(join(installed, "provider")), "only what package.json's files lists is installed");
});

test("up creates every resource; the state names each provider by the package's name", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: USER_PROJECT_RESOURCES }, describeRun(result));
  for (const [kind, resource] of await resourcesByKind(stack)) {
    for (const where of ["inputs", "outputs"] as const) assert.ok(recordedProvider(resource, where).includes(providerByName(kind)), `${kind}: ${where} name the provider`);
  }
});

test("preview --expect-no-changes: nothing to change", async () => {
  assertNoChange(await stack.preview({ expectNoChanges: true }));
});

test("an MTU change is an update in place", async () => {
  await user.upWithMtu(1400);
});

test("refresh --expect-no-changes finds the kernel as the update left it", () => user.assertRefreshFindsNoDrift());

test("destroy removes everything", () => user.assertDestroyLeavesNothing());
