// pulumi-tuntap as a git dependency of a user's own project outside this repository
// (`npm install git+file://<this repository>#<commit>`, as `git+https://…` would be): npm clones the repository,
// installs its dependencies there and runs its `prepare` script, which builds dist/ (not committed), then packs
// it and installs the tarball. Then the cycle users run, through the real CLI and the Node language host: up,
// preview --expect-no-changes, an update in place, refresh --expect-no-changes, destroy. The dependency is the
// commit this checkout is at: what is not committed is not in it, as for any git dependency.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { link, namespaceFingerprint, namespaceNames } from "../support/ip";
import { CliStack } from "./support/cliStack";
import { repositoryRoot } from "./support/paths";
import { describe as describeRun } from "./support/result";
import { assertOk } from "./scenarios/sequence";
import {
  assertNoChangeButNetworkdFilesDefect,
  providerByName,
  recordedProvider,
  repositoryCommit,
  resourcesByKind,
  USER_PROJECT_RESOURCES,
  UserProject,
} from "./support/userProject";

let stack: CliStack;
let project: UserProject;
let networkdDirectory = "";
let hostBefore = "";
const commit = repositoryCommit();

before(async () => {
  project = new UserProject();
  project.install(`git+file://${repositoryRoot}#${commit}`);
  hostBefore = namespaceFingerprint();
  stack = await CliStack.open({ projectDirectory: project.directory });
  networkdDirectory = join(project.directory, "networkd");
  mkdirSync(networkdDirectory);
  await stack.setConfig("networkdDirectory", networkdDirectory);
});

after(async () => {
  try {
    await stack?.destroyAndClose();
  } finally {
    project?.remove();
  }
});

test("npm install git+file://…#<commit> builds the package (prepare) and installs the build as a copy", () => {
  assert.equal(project.dependency(), `git+file://${repositoryRoot}#${commit}`);
  const installed = join(project.directory, "node_modules", "pulumi-tuntap");
  assert.ok(!lstatSync(installed).isSymbolicLink(), "a copy, not a link");
  for (const file of ["index.js", "index.d.ts", "resources/tapInterfaceProvider.js"]) assert.ok(existsSync(join(installed, "dist", file)), `dist/${file} was built`);
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

test("preview --expect-no-changes: nothing to change but NetworkdFiles' preview-only update (a known provider defect)", async () => {
  assertNoChangeButNetworkdFilesDefect(await stack.preview({ expectNoChanges: true }));
});

test("an MTU change is an update in place", async () => {
  const before = new Map(["ipkgbr", "ipkgtap", "ipkg0"].map((device) => [device, link(device)?.ifindex]));
  await stack.setConfig("mtu", "1400");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 3, update: USER_PROJECT_RESOURCES - 3 }, describeRun(result));
  for (const [device, ifindex] of before) {
    assert.equal(link(device)?.mtu, 1400, `${device} mtu`);
    assert.equal(link(device)?.ifindex, ifindex, `${device} is the same device`);
  }
  assert.equal(link("eth0", "ipkg-ns")?.mtu, 1400, "the peer's mtu");
});

test("refresh --expect-no-changes finds the kernel as the update left it", async () => {
  const result = await stack.refresh({ expectNoChanges: true });
  assertOk(result);
  assert.deepEqual(result.changes, { same: USER_PROJECT_RESOURCES }, describeRun(result));
});

test("destroy removes everything", async () => {
  const result = await stack.destroy();
  assertOk(result);
  assert.deepEqual(result.changes, { delete: USER_PROJECT_RESOURCES }, describeRun(result));
  assert.deepEqual(namespaceNames(), []);
  assert.deepEqual(readdirSync(networkdDirectory), []);
  assert.equal(namespaceFingerprint(), hostBefore);
});
