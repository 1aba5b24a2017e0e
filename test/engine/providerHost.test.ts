// The TapInterface provider driven through Pulumi's real dynamic-provider host, over gRPC, with `__provider`
// made by the SDK's own closure serializer: proves that the serialized shim loads the koffi-based
// implementation inside the host. Each step is checked against the kernel with `ip -j`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { tapInterfaceProvider } from "pulumi-tuntap";
import { defaultProviderUrn, type ProviderHost, resourceUrn, serializeProvider, startProviderHost, TAP_INTERFACE_TYPE } from "../../tools/providerHost";
import { cidrs, link, linkNames } from "../support/ip";

const STACK = "host-test";
const PROJECT = "tuntap-provider-host";
const repositoryRoot = `${__dirname}/../../..`;

let host: ProviderHost;
let provider: string;

before(async () => {
  host = await startProviderHost({ programDirectory: repositoryRoot, project: PROJECT, runtimeOptions: { typescript: true } });
  await host.configure({ urn: defaultProviderUrn(STACK, PROJECT), id: "11111111-2222-3333-4444-555555555555", inputs: {} });
  provider = await serializeProvider(tapInterfaceProvider);
});

after(async () => {
  await host?.close();
});

function inputsFor(name: string, mtu: number, address: string): Record<string, string | number | boolean | string[]> {
  return { name, mode: "tap", mtu, addresses: [address], up: true, managedBy: `${PROJECT}/${STACK}/${name}`, __provider: provider };
}

test("the serialized provider is the SDK's module text and captures no koffi handle", () => {
  assert.match(provider, /exports\.handler = /);
  assert.doesNotMatch(provider, /koffi\.load|\.func\(/, "no koffi library or function is captured");
});

test("create → update → delete through the dynamic-provider host", async () => {
  const urn = resourceUrn(STACK, PROJECT, TAP_INTERFACE_TYPE, "ph0");

  const checked = await host.check(urn, {}, inputsFor("ph0", 1400, "10.77.0.1/24"));
  assert.deepEqual(checked.failures, []);
  assert.equal(checked.inputs.__provider, provider, "the host hands __provider back with the checked inputs");

  const created = await host.create(urn, checked.inputs);
  assert.equal(created.id, "ph0");
  assert.equal(created.properties.__provider, provider, "the host stores __provider in the outputs");
  const afterCreate = link("ph0");
  assert.ok(afterCreate, "ip sees ph0");
  assert.equal(afterCreate.mtu, 1400);
  assert.equal(afterCreate.linkinfo?.info_kind, "tun");
  assert.ok(afterCreate.flags.includes("UP"));
  assert.deepEqual(cidrs("ph0"), ["10.77.0.1/24"]);
  assert.equal(created.properties.ifindex, afterCreate.ifindex);
  assert.ok(afterCreate.altnames?.includes(String(created.properties.stamp)), "the ownership stamp is an altname");

  const rechecked = await host.check(urn, checked.inputs, inputsFor("ph0", 1300, "10.77.0.2/24"));
  assert.deepEqual(rechecked.failures, []);
  const diff = await host.diff(urn, created.id, created.properties, rechecked.inputs, checked.inputs);
  assert.equal(diff.changes, "some");
  assert.deepEqual(diff.replaces, []);

  const updated = await host.update(urn, created.id, created.properties, rechecked.inputs, checked.inputs);
  assert.equal(updated.mtu, 1300);
  assert.equal(link("ph0")?.mtu, 1300);
  assert.equal(link("ph0")?.ifindex, afterCreate.ifindex, "updated in place, not re-created");
  assert.deepEqual(cidrs("ph0"), ["10.77.0.2/24"]);

  const read = await host.read(urn, created.id, updated, rechecked.inputs);
  assert.equal(read.id, "ph0");
  assert.equal(read.properties.mtu, 1300);

  await host.delete(urn, created.id, updated, rechecked.inputs);
  assert.equal(link("ph0"), undefined, "ip no longer sees ph0");

  const gone = await host.read(urn, created.id, updated, rechecked.inputs);
  assert.equal(gone.id, "", "read of a deleted device answers no id");
});

test("concurrent creates and deletes through one host, as the engine sends them with --parallel", async () => {
  const names = Array.from({ length: 16 }, (_, index) => `phc${index}`);
  const created = await Promise.all(
    names.map(async (name, index) => {
      const urn = resourceUrn(STACK, PROJECT, TAP_INTERFACE_TYPE, name);
      const { inputs, failures } = await host.check(urn, {}, inputsFor(name, 1500 - index, `10.78.${index}.1/24`));
      assert.deepEqual(failures, []);
      return { urn, inputs, ...(await host.create(urn, inputs)) };
    }),
  );
  for (const [index, name] of names.entries()) {
    assert.equal(link(name)?.mtu, 1500 - index, `${name} has its own MTU`);
    assert.deepEqual(cidrs(name), [`10.78.${index}.1/24`]);
  }
  await Promise.all(created.map((device) => host.delete(device.urn, device.id, device.properties, device.inputs)));
  assert.deepEqual(
    linkNames().filter((name) => name.startsWith("phc")),
    [],
  );
});

test("a provider error comes back as the call's error, naming the device", async () => {
  const urn = resourceUrn(STACK, PROJECT, TAP_INTERFACE_TYPE, "phx");
  const { inputs } = await host.check(urn, {}, inputsFor("phx", 1500, "10.79.0.1/24"));
  const created = await host.create(urn, inputs);
  const again = resourceUrn(STACK, PROJECT, TAP_INTERFACE_TYPE, "phx-again");
  const second = await host.check(again, {}, { ...inputsFor("phx", 1500, "10.79.0.1/24"), managedBy: `${PROJECT}/${STACK}/phx-again` });
  await assert.rejects(host.create(again, second.inputs), (error: Error) => /phx/.test(error.message));
  await host.delete(urn, created.id, created.properties, inputs);
});
