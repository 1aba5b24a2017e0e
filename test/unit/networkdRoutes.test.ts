// NetworkdFiles' [Route] sections: rendered from Route outputs, read back from the file, and a route that
// leaves by another device refused. No files, no kernel.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkNetworkdFiles, networkdSpecOf, parseIni, renderNetworkdFiles, settingsFromNetworkdFiles } from "pulumi-tuntap";

const tun = { kind: "tun", name: "tun0", addresses: ["10.8.0.1/24"], managedBy: "tuntap-tests/dev/boot" };
const routes = [
  { destination: "10.9.0.0/24", device: "tun0", metric: 0, table: 254, scope: "link" },
  { destination: "fd00:9::/64", gateway: "fd00:8::2", device: "tun0", metric: 1024, table: 100, source: "fd00:8::1" },
];

function files(news: Record<string, unknown>) {
  const spec = networkdSpecOf(checkNetworkdFiles({}, news));
  assert.ok(spec, "the inputs check");
  return renderNetworkdFiles(spec, spec.managedBy);
}

test("each route is a [Route] section of the .network file, marked with protocol 238", () => {
  const { network } = files({ ...tun, routes });
  const sections = parseIni(network).filter((section) => section.name === "Route").map((section) => section.entries.map(([key, value]) => `${key}=${value}`));
  assert.deepEqual(sections, [
    ["Destination=10.9.0.0/24", "Metric=0", "Table=254", "Scope=link", "Protocol=238"],
    ["Destination=fd00:9::/64", "Gateway=fd00:8::2", "Metric=1024", "Table=100", "PreferredSource=fd00:8::1", "Protocol=238"],
  ]);
});

test("the routes read back from the file are the routes written", () => {
  const { netdev, network } = files({ ...tun, routes });
  assert.deepEqual(settingsFromNetworkdFiles(netdev, network).routes, routes);
});

test("no routes, no [Route] section", () => {
  assert.equal(parseIni(files(tun).network).some((section) => section.name === "Route"), false);
});

test("a route that leaves by another device is refused, naming it", () => {
  const failures = checkNetworkdFiles({}, { ...tun, routes: [{ ...routes[0], device: "eth0" }] }).failures.map((failure) => `${failure.property}: ${failure.reason}`);
  assert.deepEqual(failures, ["routes[0]: the route to 10.9.0.0/24 leaves by eth0, not tun0: give it to eth0's NetworkdFiles"]);
});
