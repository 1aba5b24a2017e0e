// Each provider is the whole export of a package subpath, "pulumi-tuntap/providers/<kind>": the name under which
// Pulumi's closure serializer records it in the state of an installed package's resources (the real-CLI test
// test/cli/installedPackage.test.ts runs that). Here: every subpath resolves, through package.json's exports, to
// the very object the package exports by name and its resources use, and each is a complete provider.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tuntap from "pulumi-tuntap";

const KINDS = ["tapInterface", "tapPool", "bridge", "vethPair", "vxlan", "networkNamespace", "route", "networkdFiles", "masquerade", "forwarding"] as const;
const METHODS = ["check", "diff", "create", "read", "update", "delete"] as const;

for (const kind of KINDS) {
  test(`pulumi-tuntap/providers/${kind} is the package's ${kind}Provider`, () => {
    const provider = tuntap[`${kind}Provider`];
    assert.equal(require(`pulumi-tuntap/providers/${kind}`), provider);
    for (const method of METHODS) assert.equal(typeof provider[method], "function", `${kind}.${method}`);
  });
}

test("pulumi-tuntap/classProviders, which the resource classes record, has a complete provider of each kind", () => {
  const classProviders = require("pulumi-tuntap/classProviders") as { of(kind: string): Record<string, unknown> };
  for (const kind of KINDS) {
    const provider = classProviders.of(kind);
    assert.equal(classProviders.of(kind), provider, `${kind}: one provider per process`);
    for (const method of METHODS) assert.equal(typeof provider[method], "function", `${kind}.${method}`);
  }
});

test("every provider the package exports has its subpath", () => {
  const exported = Object.keys(tuntap).filter((name) => name.endsWith("Provider")).sort();
  assert.deepEqual(exported, KINDS.map((kind) => `${kind}Provider`).sort());
});
