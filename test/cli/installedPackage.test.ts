// pulumi-tuntap as users get it: installed under node_modules (tools/installedPackage.ts), every resource kind
// through the real CLI. Pulumi's closure serializer then records each provider by the package's name,
// `require("pulumi-tuntap/providers/<kind>")`, a few hundred bytes, instead of the shim's text in every
// resource's inputs and outputs: the engine rewrites the whole state at each step, so that text costs time
// quadratic in the number of resources. Checked here: every kind's subpath is exported and resolves in the
// dynamic-provider host (update, refresh and destroy all load it from the state), and a stack made with the
// by-value form moves to the installed package without replacing anything.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { installPackage, releaseInstalledPackage } from "../../tools/installedPackage";
import { link, namespaceFingerprint, namespaceNames } from "../support/ip";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun } from "./support/result";
import { assertOk } from "./scenarios/sequence";
import { type ExportedResource, resourcesOf } from "./support/stateView";

const KINDS = ["Bridge", "TapInterface", "NetworkNamespace", "VethPair", "Route", "NetworkdFiles"] as const;
const RESOURCES = KINDS.length + 1;

let stack: CliStack;
let networkdDirectory = "";
let hostBefore = "";

const byName = (kind: string) => `require("pulumi-tuntap/providers/${kind[0]?.toLowerCase()}${kind.slice(1)}")`;

async function ours(): Promise<Map<string, ExportedResource>> {
  const resources = resourcesOf(await stack.exportState()).filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/tuntap:"));
  return new Map(resources.map((resource) => [resource.type.split(":").pop() ?? "", resource]));
}

function recordedProvider(resource: ExportedResource | undefined, where: "inputs" | "outputs"): string {
  const text = resource?.[where]?.__provider;
  assert.equal(typeof text, "string", `${resource?.urn ?? "resource"} has ${where}.__provider`);
  return text as string;
}

before(async () => {
  installPackage();
  hostBefore = namespaceFingerprint();
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "installed-package"), config: { package: "repository" } });
  networkdDirectory = join(stack.directory, "networkd");
  mkdirSync(networkdDirectory);
  await stack.setConfig("networkdDirectory", networkdDirectory);
});

after(async () => {
  try {
    await stack.destroyAndClose();
  } finally {
    releaseInstalledPackage();
  }
});

test("from this repository, the state holds each provider by value", async () => {
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { create: RESOURCES }, describeRun(result));
  for (const [kind, resource] of await ours()) {
    assert.ok(!recordedProvider(resource, "outputs").includes(byName(kind)), `${kind}: by value`);
  }
});

test("moving to the installed package replaces nothing; new inputs name the provider", async () => {
  await stack.removeConfig("package");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: RESOURCES }, describeRun(result));
  const state = await ours();
  assert.deepEqual([...state.keys()].sort(), [...KINDS].sort());
  for (const [kind, resource] of state) {
    assert.match(recordedProvider(resource, "inputs"), new RegExp(byName(kind).replace(/[()".\/]/g, "\\$&")), `${kind}: inputs by name`);
    // Outputs change only when the provider writes them: an unchanged resource keeps the text it was made with.
    assert.ok(!recordedProvider(resource, "outputs").includes(byName(kind)), `${kind}: outputs still as made`);
  }
});

test("an update in place loads every provider by name from the host and records it", async (t) => {
  await stack.setConfig("mtu", "1400");
  const result = await stack.up();
  assertOk(result);
  assert.deepEqual(result.changes, { same: 3, update: RESOURCES - 3 }, describeRun(result));
  for (const device of ["ipkgbr", "ipkgtap", "ipkg0"]) assert.equal(link(device)?.mtu, 1400, `${device} mtu`);
  assert.equal(link("eth0", "ipkg-ns")?.mtu, 1400, "the peer's mtu");
  for (const [kind, resource] of await ours()) {
    const text = recordedProvider(resource, result.steps.some((step) => step.op === "update" && step.urn === resource.urn) ? "outputs" : "inputs");
    assert.ok(text.includes(byName(kind)), `${kind}: by name`);
    assert.ok(text.length < 500, `${kind}: ${text.length} characters`);
    t.diagnostic(`${kind}: provider recorded in ${text.length} characters`);
  }
});

test("refresh reads every resource through the installed package and finds no drift", async () => {
  const result = await stack.refresh();
  assertOk(result);
  assert.deepEqual(result.changes, { same: RESOURCES }, describeRun(result));
});

test("destroy removes everything through the installed package", async () => {
  const result = await stack.destroy();
  assertOk(result);
  assert.deepEqual(result.changes, { delete: RESOURCES }, describeRun(result));
  assert.deepEqual(namespaceNames(), []);
  assert.deepEqual(readdirSync(networkdDirectory), []);
  assert.equal(namespaceFingerprint(), hostBefore);
});
