// The engine stand-in's own pure parts, without privilege: wire values, the passphrase crypter, the state
// file, delete scheduling, and how a program is launched.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CheckpointWriter, readCheckpoint } from "./deploy/checkpoint";
import { DependencyGraph, scheduleDeletes } from "./deploy/graph";
import { languageRuntimeArguments } from "./deploy/languageRuntime";
import { loadProject } from "./deploy/project";
import { PassphraseCrypter } from "./deploy/secrets";
import type { ResourceState } from "./deploy/state";
import { repositoryRoot } from "./paths";
import {
  annotateSecrets,
  downgradeOutputValues,
  forProviderWithoutSecrets,
  makeSecret,
  OUTPUT_VALUE_SIGNATURE,
  RESOURCE_REFERENCE_SIGNATURE,
  SIGNATURE_KEY,
  UNKNOWN,
} from "./wire/properties";
import { makeUrn, nameOf, typeOf } from "./wire/urn";

function state(urn: string, dependencies: string[] = [], parent = ""): ResourceState {
  return {
    urn,
    type: typeOf(urn),
    custom: true,
    id: nameOf(urn),
    inputs: {},
    outputs: {},
    parent,
    dependencies,
    propertyDependencies: {},
    provider: "",
    delete: false,
    pendingReplacement: false,
    protect: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    initErrors: [],
  };
}

test("URNs: children of the stack are not qualified by the stack's type", () => {
  const stack = makeUrn("dev", "proj", undefined, "pulumi:pulumi:Stack", "proj-dev");
  assert.equal(stack, "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev");
  const tap = makeUrn("dev", "proj", stack, "pulumi-nodejs:dynamic/tuntap:TapInterface", "lab");
  assert.equal(tap, "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/tuntap:TapInterface::lab");
  assert.equal(makeUrn("dev", "proj", tap, "x:y:Z", "child"), "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/tuntap:TapInterface$x:y:Z::child");
});

test("output values are downgraded as RegisterResource does", () => {
  const unknownSecret = { [SIGNATURE_KEY]: OUTPUT_VALUE_SIGNATURE, secret: true, dependencies: ["urn:a"] };
  assert.deepEqual(downgradeOutputValues(unknownSecret), makeSecret(UNKNOWN));
  assert.deepEqual(downgradeOutputValues([{ [SIGNATURE_KEY]: OUTPUT_VALUE_SIGNATURE, value: 3 }]), [3]);
});

test("what a provider without secrets support receives, and how its outputs are re-marked", () => {
  const reference = { [SIGNATURE_KEY]: RESOURCE_REFERENCE_SIGNATURE, urn: "urn:x", id: "br0", packageVersion: "" };
  assert.deepEqual(forProviderWithoutSecrets({ a: makeSecret("s"), b: [makeSecret(1)], c: reference }), { a: "s", b: [1], c: "br0" });
  const outputs = annotateSecrets({ description: "s", mtu: 1500, nested: { key: "v", other: 1 } }, { description: makeSecret("s"), nested: { key: makeSecret("v") } });
  assert.deepEqual(outputs, { description: makeSecret("s"), mtu: 1500, nested: { key: makeSecret("v"), other: 1 } });
});

test("the passphrase crypter: v1 ciphertexts, a wrong passphrase refused", () => {
  const { crypter, state: provider } = PassphraseCrypter.create("pass");
  const ciphertext = crypter.encrypt('"hello"');
  assert.match(ciphertext, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  assert.equal(PassphraseCrypter.fromState("pass", provider).decrypt(ciphertext), '"hello"');
  assert.throws(() => PassphraseCrypter.fromState("wrong", provider));
});

test("the state file keeps secrets encrypted and reads them back", () => {
  const directory = mkdtempSync(join(tmpdir(), "engine-harness-"));
  try {
    const path = join(directory, "stack.json");
    const resource = { ...state("urn:pulumi:s::p::pulumi-nodejs:dynamic/tuntap:TapInterface::t"), inputs: { description: makeSecret("top secret") } };
    new CheckpointWriter(path, "pw", undefined).write({ resources: [resource], pendingOperations: [{ resource, type: "creating" }] });
    const text = readFileSync(path, "utf8");
    assert.ok(!text.includes("top secret"));
    const read = readCheckpoint(path, "pw");
    assert.deepEqual(read.resources[0]?.inputs, { description: makeSecret("top secret") });
    assert.equal(read.pendingOperations[0]?.type, "creating");
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("deletes are scheduled in antichains, dependents first (ScheduleDeletes' layering)", () => {
  const stack = state("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s");
  const bridge = state("urn:pulumi:s::p::a:b:Bridge::br", [], stack.urn);
  const port = state("urn:pulumi:s::p::a:b:Tap::port", [bridge.urn], stack.urn);
  const other = state("urn:pulumi:s::p::a:b:Tap::other", [], stack.urn);
  const graph = new DependencyGraph([stack, bridge, port, other]);
  const antichains = scheduleDeletes(graph, [stack, bridge, port, other].map((resource) => ({ state: resource })));
  assert.deepEqual(
    antichains.map((chain) => chain.map((step) => nameOf(step.state.urn)).sort()),
    // Layered from the bottom as Go does: "other" goes with the bridge, the layer above the stack.
    [["port"], ["br", "other"], ["p-s"]],
  );
  assert.deepEqual(graph.dependingOn(bridge).map((resource) => nameOf(resource.urn)), ["port"]);
});

test("the root program runs from the example's directory, as getPwdMain maps main", () => {
  const root = loadProject(repositoryRoot);
  assert.equal(root.programDirectory, join(repositoryRoot, "examples", "tutorial-tap0"));
  assert.equal(root.entryPoint, "index.ts");
  assert.equal(root.rootDirectory, repositoryRoot);
  const args = languageRuntimeArguments({
    project: root,
    stack: "dev",
    organization: "organization",
    monitorAddress: "127.0.0.1:1",
    engineAddress: "127.0.0.1:2",
    dryRun: true,
    parallel: 8,
    config: {},
    secretKeys: [],
    onOutput: () => undefined,
  });
  assert.match(args[0] ?? "", /@pulumi\/pulumi\/cmd\/run\/index\.js$/);
  assert.deepEqual(args.slice(1), [
    "--monitor", "127.0.0.1:1",
    "--engine", "127.0.0.1:2",
    "--organization", "organization",
    "--project", "tuntap-tutorial",
    "--root-directory", repositoryRoot,
    "--stack", "dev",
    "--pwd", join(repositoryRoot, "examples", "tutorial-tap0"),
    "--dry-run",
    "--parallel", "8",
    "index.ts",
  ]);
});
