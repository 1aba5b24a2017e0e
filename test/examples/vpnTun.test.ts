// examples/vpn-tun: what no real run covers — persistAtBoot, under Pulumi's mocks — and the tunnel program's
// endpoint parsing. The program itself runs through the real CLI: test/cli/programs.test.ts and, with a real
// tunnel between two namespaces, test/vm/vpnTun.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEndpoint } from "../../examples/vpn-tun/tunnel";
import { vpnTun } from "../../examples/vpn-tun/vpn";
import { installMocks, registered, registrationsOf, TYPES } from "./support/mocks";

const registrations = installMocks("vpn", "dev");

test("persistAtBoot: networkd files for the tun, owned by the daemon's user, in the configured directory", async () => {
  const vpn = vpnTun({ name: "tun0", user: "nobody", addresses: ["10.8.0.1/24", "fd00:8::1/64"], remoteNetworks: [], mtu: 1500, persistAtBoot: true, networkdDirectory: "/run/systemd/network" });
  assert.ok(vpn.bootFiles);
  await registered(vpn.tun, vpn.bootFiles);
  const [files] = registrationsOf(registrations, TYPES.networkdFiles);
  assert.deepEqual([files?.inputs.kind, files?.inputs.name, files?.inputs.owner, files?.inputs.directory], ["tun", "tun0", 65534, "/run/systemd/network"]);
});

test("the tunnel program's endpoints: an IP address and a UDP port, IPv6 in brackets", () => {
  assert.deepEqual(parseEndpoint("192.0.2.1:1194", "local"), { host: "192.0.2.1", port: 1194 });
  assert.deepEqual(parseEndpoint("[2001:db8::1]:1194", "peer"), { host: "2001:db8::1", port: 1194 });
  assert.throws(() => parseEndpoint("vpn.example.com:1194", "peer"), /--peer must be an IP address and UDP port/);
  assert.throws(() => parseEndpoint("192.0.2.1:0", "local"), /--local must be/);
  assert.throws(() => parseEndpoint("192.0.2.1", "local"), /--local must be/);
});
