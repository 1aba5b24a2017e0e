// The NetworkdFiles class under Pulumi's mocks for a VethPair: the pair's outputs, its peer's included, become
// the provider's inputs; a peer in another namespace is passed on for check to refuse (networkd cannot place it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { NetworkdFiles, VethPair, checkNetworkdFiles } from "pulumi-tuntap";
import { installMocks, registered, registrationsOf, TYPES } from "../examples/support/mocks";

const registrations = installMocks("lab", "dev");

function inputsOf(name: string): Record<string, unknown> {
  const found = registrationsOf(registrations, TYPES.networkdFiles).find((registration) => registration.name === name);
  assert.ok(found, `${name} was registered`);
  return found.inputs;
}

test("a veth pair: kind veth, the first end's settings, the peer's name and MAC", async () => {
  const pair = new VethPair("uplink", { name: "up0", mtu: 9000, macAddress: "02:00:00:00:0f:01", addresses: ["10.9.0.1/24"], peer: { name: "up0p", macAddress: "02:00:00:00:0f:02" } });
  const files = new NetworkdFiles("uplink-boot", { device: pair });
  await registered(files);
  assert.deepEqual(inputsOf("uplink-boot"), {
    kind: "veth",
    name: "up0",
    mtu: 9000,
    macAddress: "02:00:00:00:0f:01",
    addresses: ["10.9.0.1/24"],
    peerName: "up0p",
    peerMacAddress: "02:00:00:00:0f:02",
    managedBy: "lab/dev/uplink-boot",
  });
});

test("a peer in another namespace reaches check as peerNetns, which says networkd cannot do it", async () => {
  const pair = new VethPair("lab-link", { name: "lab0", peer: { name: "lab0p", netns: "lab" } });
  const files = new NetworkdFiles("lab-link-boot", { device: pair });
  await registered(files);
  const inputs = inputsOf("lab-link-boot");
  assert.equal(inputs.peerNetns, "lab");
  const failures = checkNetworkdFiles({}, inputs).failures;
  assert.deepEqual(failures.map((failure) => failure.property), ["peerNetns"]);
  assert.match(failures[0]?.reason ?? "", /cannot put a veth peer into another network namespace/);
});
