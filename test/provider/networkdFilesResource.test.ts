// The NetworkdFiles class under Pulumi's mocks: which of the device's outputs become the provider's inputs,
// for a tap, a tun and a bridge. (The provider itself is tested in networkdFiles.test.ts.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { Bridge, Forwarding, Masquerade, NetworkdFiles, TapInterface } from "pulumi-tuntap";
import { installMocks, registered, registrationsOf, TYPES, valueOf } from "../examples/support/mocks";

const registrations = installMocks("lab", "dev");

function inputsOf(name: string): Record<string, unknown> {
  const found = registrationsOf(registrations, TYPES.networkdFiles).find((registration) => registration.name === name);
  assert.ok(found, `${name} was registered`);
  return found.inputs;
}

test("a tap's outputs: kind from mode, owner as the resolved uid, every link setting", async () => {
  const bridge = new Bridge("br", { name: "br0" });
  const tap = new TapInterface("tap", { name: "tap0", owner: "nobody", multiQueue: true, mtu: 9000, addresses: ["192.168.0.1/24"], promiscuous: true, bridge: bridge.name });
  const files = new NetworkdFiles("tap-boot", { device: tap, directory: "/run/systemd/network" });
  await registered(files);
  const inputs = inputsOf("tap-boot");
  assert.deepEqual(inputs, {
    kind: "tap",
    name: "tap0",
    owner: 65534,
    multiQueue: true,
    packetInfo: false,
    vnetHdr: false,
    mtu: 9000,
    macAddress: await valueOf(tap.macAddress),
    addresses: ["192.168.0.1/24"],
    bridge: "br0",
    promiscuous: true,
    up: true,
    directory: "/run/systemd/network",
    managedBy: "lab/dev/tap-boot",
  });
});

test("a tun: no MAC, no bridge", async () => {
  const tun = new TapInterface("tun", { name: "tun0", mode: "tun", owner: 0, addresses: ["10.8.0.1/24", "fd00:8::1/64"] });
  const files = new NetworkdFiles("tun-boot", { device: tun, fileStem: "20-vpn" });
  await registered(files);
  const inputs = inputsOf("tun-boot");
  assert.equal(inputs.kind, "tun");
  assert.equal(inputs.fileStem, "20-vpn");
  assert.equal("macAddress" in inputs, false);
  assert.equal("bridge" in inputs, false);
  assert.deepEqual(inputs.addresses, ["10.8.0.1/24", "fd00:8::1/64"]);
});

test("a bridge: kind bridge, STP, and no MAC while the kernel reports none", async () => {
  const bridge = new Bridge("lab-br", { name: "labbr0", stp: true, addresses: ["192.168.100.1/24"] });
  const files = new NetworkdFiles("lab-br-boot", { device: bridge });
  await registered(files);
  const inputs = inputsOf("lab-br-boot");
  assert.deepEqual(inputs, { kind: "bridge", name: "labbr0", mtu: 1500, addresses: ["192.168.100.1/24"], up: true, stp: true, managedBy: "lab/dev/lab-br-boot" });
});

test("a lab's gateway: the DHCP server as declared, the Masquerade's and the Forwarding's outputs", async () => {
  const bridge = new Bridge("gw-br", { name: "gwbr0", addresses: ["10.50.0.1/24"] });
  const nat = new Masquerade("gw-nat", { sources: ["10.50.0.0/24"], device: bridge.name });
  const forwarding = new Forwarding("gw-forwarding", { ipv4: true, ipv6: false });
  const dhcpServer = { poolOffset: 100, poolSize: 20, staticLeases: [{ macAddress: "52:54:00:00:00:42", address: "10.50.0.42" }] };
  const files = new NetworkdFiles("gw-boot", { device: bridge, dhcpServer, masquerade: nat, forwarding, networkdVersion: 252 });
  await registered(files);
  const inputs = inputsOf("gw-boot");
  assert.deepEqual(
    { dhcpServer: inputs.dhcpServer, masquerade: inputs.masquerade, forwarding: inputs.forwarding, networkdVersion: inputs.networkdVersion },
    { dhcpServer, masquerade: { device: "gwbr0", sources: ["10.50.0.0/24"] }, forwarding: { ipv4: true, ipv6: false }, networkdVersion: 252 },
  );
});
