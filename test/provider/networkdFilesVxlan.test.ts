// The NetworkdFiles class under Pulumi's mocks for a Vxlan: the device's outputs become the provider's inputs (its
// multicast group as multicastGroup, apart from a tap's group), and the underlay's files carry the VXLAN devices
// made over it (`vxlans`: name and underlay each, for check to refuse one made over another device).
import assert from "node:assert/strict";
import { test } from "node:test";
import { NetworkdFiles, VethPair, Vxlan } from "pulumi-tuntap";
import { installMocks, registered, registrationsOf, TYPES } from "../examples/support/mocks";

const registrations = installMocks("lab", "dev");

function inputsOf(name: string): Record<string, unknown> {
  const found = registrationsOf(registrations, TYPES.networkdFiles).find((registration) => registration.name === name);
  assert.ok(found, `${name} was registered`);
  return found.inputs;
}

test("a Vxlan over a veth underlay: kind vxlan and its settings; the underlay's files name it in vxlans", async () => {
  const underlay = new VethPair("uplink", { name: "up0", addresses: ["192.0.2.1/24"], peer: { name: "up0p" } });
  const overlay = new Vxlan("overlay", {
    name: "vx0",
    vni: 4242,
    destinationPort: 4789,
    local: "192.0.2.1",
    underlay: underlay.name,
    learning: false,
    ttl: 0,
    mtu: 1450,
    peers: ["192.0.2.2", "192.0.2.3"],
    bridge: "lab0",
  });
  const overlayFiles = new NetworkdFiles("overlay-boot", { device: overlay });
  const underlayFiles = new NetworkdFiles("uplink-boot", { device: underlay, vxlans: [overlay] });
  await registered(overlayFiles, underlayFiles);
  assert.deepEqual(inputsOf("overlay-boot"), {
    kind: "vxlan",
    name: "vx0",
    vni: 4242,
    destinationPort: 4789,
    local: "192.0.2.1",
    underlay: "up0",
    learning: false,
    ttl: 0,
    mtu: 1450,
    peers: ["192.0.2.2", "192.0.2.3"],
    bridge: "lab0",
    managedBy: "lab/dev/overlay-boot",
  });
  assert.deepEqual(inputsOf("uplink-boot").vxlans, [{ name: "vx0", underlay: "up0" }]);
});
