// examples/vpn-tun under Pulumi's mocks: the tun's inputs, and the OpenVPN options built from its outputs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEndpoint } from "../../examples/vpn-tun/tunnel";
import { openvpnDeviceOptions, vpnTun } from "../../examples/vpn-tun/vpn";
import { installMocks, registered, registrationsOf, TYPES, valueOf } from "./support/mocks";

const registrations = installMocks("vpn", "dev");

test("a tun with IPv4, IPv6, MTU and an ordinary owner; OpenVPN attaches without configuring it", async () => {
  const vpn = vpnTun({
    name: "tun0",
    user: "nobody",
    addresses: ["10.8.0.1/24", "fd00:8::1/64"],
    mtu: 1500,
    persistAtBoot: true,
    networkdDirectory: "/run/systemd/network",
  });
  assert.ok(vpn.bootFiles);
  await registered(vpn.tun, vpn.bootFiles);
  const [tun] = registrationsOf(registrations, TYPES.tapInterface);
  assert.deepEqual(tun?.inputs, {
    name: "tun0",
    mode: "tun",
    owner: "nobody",
    addresses: ["10.8.0.1/24", "fd00:8::1/64"],
    mtu: 1500,
    packetInfo: false,
    managedBy: "vpn/dev/vpn",
  });
  assert.equal(await valueOf(vpn.openvpnOptions), openvpnDeviceOptions("tun0", 1500));
  assert.match(await valueOf(vpn.openvpnOptions), /^dev tun0\ndev-type tun\n.*ifconfig-noexec/s);
  const [files] = registrationsOf(registrations, TYPES.networkdFiles);
  assert.deepEqual([files?.inputs.kind, files?.inputs.owner, files?.inputs.directory], ["tun", 65534, "/run/systemd/network"]);
});

test("config netns: the tun is made in that namespace", async () => {
  const vpn = vpnTun({ name: "tun0", user: "nobody", addresses: ["10.8.0.2/24"], mtu: 1500, netns: "vpn-b", persistAtBoot: false, networkdDirectory: "/etc/systemd/network" });
  await registered(vpn.tun);
  const tun = registrationsOf(registrations, TYPES.tapInterface).at(-1);
  assert.equal(tun?.inputs.netns, "vpn-b");
});

test("the tunnel program's endpoints: an IP address and a UDP port, IPv6 in brackets", () => {
  assert.deepEqual(parseEndpoint("192.0.2.1:1194", "local"), { host: "192.0.2.1", port: 1194 });
  assert.deepEqual(parseEndpoint("[2001:db8::1]:1194", "peer"), { host: "2001:db8::1", port: 1194 });
  assert.throws(() => parseEndpoint("vpn.example.com:1194", "peer"), /--peer must be an IP address and UDP port/);
  assert.throws(() => parseEndpoint("192.0.2.1:0", "local"), /--local must be/);
  assert.throws(() => parseEndpoint("192.0.2.1", "local"), /--local must be/);
});
