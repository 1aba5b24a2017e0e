// `pulumi destroy` and `pulumi refresh` start a provider host that only reads and deletes: no check, no diff. For
// the kinds that read a state without their inputs' schema, that host loads no zod (its ~95 modules were most of
// a small destroy's own time). Here each kind's object is made in this process, then read and deleted by a fresh
// process that loads the kind's implementation as the provider shim does, and reports what it loaded. None of
// these kinds uses nftables, so none loads that codec either: each imports the kernel modules it calls.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import * as tuntap from "pulumi-tuntap";
import type { Properties } from "pulumi-tuntap/model";
import { link } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { create } from "../support/providers";

const managedBy = (resource: string) => `tuntap-tests/dev/${resource}`;

interface InAFreshProcess {
  read: { id?: string; props?: Properties };
  zodLoaded: boolean;
  nftablesLoaded: boolean;
  modules: number;
}

/** Reads and deletes the object in a new Node process, by the package subpath the shims load; what it saw and loaded. */
function readAndDeleteInAFreshProcess(kind: string, id: string, outs: Properties): InAFreshProcess {
  const script = `
    const { implementation } = require("pulumi-tuntap/implementation/${kind}");
    (async () => {
      const read = await implementation.read(${JSON.stringify(id)}, ${JSON.stringify(outs)});
      await implementation.delete(${JSON.stringify(id)}, ${JSON.stringify(outs)});
      const files = Object.keys(require.cache);
      console.log(JSON.stringify({ read, zodLoaded: files.some((file) => file.includes("/node_modules/zod/")), nftablesLoaded: files.some((file) => file.includes("/kernel/nftables/")), modules: files.length }));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as InAFreshProcess;
}

type Provider = pulumi.dynamic.ResourceProvider;

/** Each kind that reads without its schema: its provider, inputs, the subpath's kind, and how to see its object gone. */
const kinds: { kind: string; provider: Provider; inputs: Properties; gone: () => boolean }[] = [
  { kind: "tapInterface", provider: tuntap.tapInterfaceProvider, inputs: { name: "ld-tap", managedBy: managedBy("tap") }, gone: () => link("ld-tap") === undefined },
  { kind: "tapPool", provider: tuntap.tapPoolProvider, inputs: { devices: { a: { name: "ld-pool0" }, b: { name: "ld-pool1" } }, managedBy: managedBy("pool") }, gone: () => link("ld-pool0") === undefined && link("ld-pool1") === undefined },
  { kind: "bridge", provider: tuntap.bridgeProvider, inputs: { name: "ld-br", managedBy: managedBy("br") }, gone: () => link("ld-br") === undefined },
  { kind: "vethPair", provider: tuntap.vethPairProvider, inputs: { name: "ld-veth", peer: { name: "ld-peer" }, managedBy: managedBy("veth") }, gone: () => link("ld-veth") === undefined },
  { kind: "vxlan", provider: tuntap.vxlanProvider, inputs: { name: "ld-vx", vni: 77, local: "192.0.2.1", managedBy: managedBy("vx") }, gone: () => link("ld-vx") === undefined },
  { kind: "networkNamespace", provider: tuntap.networkNamespaceProvider, inputs: { name: "ld-ns", managedBy: managedBy("ns") }, gone: () => !namespaceNames().includes("ld-ns") },
  { kind: "route", provider: tuntap.routeProvider, inputs: { destination: "10.71.0.0/24", device: "ld-rt" }, gone: () => routeLines().length === 0 },
];

function namespaceNames(): string[] {
  const listed = spawnSync("ip", ["-j", "netns", "list"], { encoding: "utf8" });
  assert.equal(listed.status, 0, listed.stderr);
  return (JSON.parse(listed.stdout || "[]") as { name: string }[]).map((entry) => entry.name);
}

before(async () => {
  await create(tuntap.tapInterfaceProvider, { name: "ld-rt", mode: "tun", addresses: ["10.70.0.1/24"], managedBy: managedBy("rt") });
});

for (const { kind, provider, inputs, gone } of kinds) {
  test(`${kind}: a fresh process reads and deletes it without loading zod or the nftables codec`, async () => {
    const made = await create(provider, inputs);
    const seen = readAndDeleteInAFreshProcess(kind, made.id, made.outs);
    assert.equal(seen.read.id, made.id, "the read found it");
    assert.ok(gone(), "the delete removed it");
    assert.equal(seen.zodLoaded, false, `zod was loaded (${seen.modules} modules in all)`);
    assert.equal(seen.nftablesLoaded, false, "the nftables codec was loaded");
  });
}

test("the first check loads the schema, and zod with it", () => {
  const result = spawnSync(
    process.execPath,
    ["-e", `const { implementation } = require("pulumi-tuntap/implementation/tapInterface"); implementation.check({}, { name: "x0" }).then((r) => console.log(JSON.stringify({ failures: r.failures, zod: Object.keys(require.cache).some((f) => f.includes("/node_modules/zod/")) })))`],
    { encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { failures: [], zod: true });
});
