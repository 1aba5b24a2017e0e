// Route model: per-property refusals before anything is touched, normalisation and `ip route`'s defaults, and
// the diff's split between changes in place (NLM_F_REPLACE at the same key) and replacements (a new key).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Properties, UNKNOWN } from "pulumi-tuntap/model";
import { checkRoute, diffRoute } from "pulumi-tuntap";

function failures(inputs: Properties): string[] {
  return checkRoute({}, inputs).failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

function checked(inputs: Properties): Properties {
  const outcome = checkRoute({}, inputs);
  assert.deepEqual(outcome.failures, [], `check passes for ${JSON.stringify(inputs)}`);
  return outcome.inputs;
}

describe("Route check: bad input, one failure per property, before anything is touched", () => {
  const rows: [string, Properties, RegExp][] = [
    ["no destination", { device: "tap0" }, /^destination: expected a string, got nothing$/],
    ["a destination that is no prefix", { destination: "10.0.0/24", device: "tap0" }, /^destination: "10.0.0\/24" is not "default", an IPv4 or IPv6 prefix/],
    ["host bits set, as `ip route` refuses", { destination: "10.9.0.1/24", device: "tap0" }, /^destination: "10.9.0.1\/24" has host bits set beyond its \/24 prefix .*the network is 10.9.0.0\/24$/],
    ["IPv6 host bits", { destination: "fd00:9::1/64", device: "tap0" }, /the network is fd00:9::\/64$/],
    ["a prefix too long", { destination: "10.0.0.0/33", device: "tap0" }, /^destination: "10.0.0.0\/33" has a prefix length outside 0–32$/],
    ["no gateway and no device", { destination: "10.9.0.0/24" }, /^gateway: a route needs a gateway, a device, or both/],
    ["a gateway with a prefix", { destination: "10.9.0.0/24", gateway: "10.8.0.2/24" }, /^gateway: "10.8.0.2\/24" is not an IPv4 or IPv6 address \(a gateway has no prefix length\)$/],
    ["a multicast gateway", { destination: "10.9.0.0/24", gateway: "224.0.0.1" }, /^gateway: "224.0.0.1" is a multicast address, which cannot be a gateway$/],
    ["a gateway of the other family", { destination: "10.9.0.0/24", gateway: "fd00::1" }, /^gateway: fd00::1 is IPv6 but the route is IPv4/],
    ["a source of the other family", { destination: "fd00:9::/64", device: "tap0", source: "10.0.0.1" }, /^source: 10.0.0.1 is IPv4 but the route is IPv6/],
    ["a device name too long", { destination: "10.9.0.0/24", device: "a-very-long-device-name" }, /^device: "a-very-long-device-name" is 23 bytes long/],
    ["a negative metric", { destination: "10.9.0.0/24", device: "tap0", metric: -1 }, /^metric: must be at least 0, got -1$/],
    ["table local", { destination: "10.9.0.0/24", device: "tap0", table: 255 }, /^table: table 255 is "local", where the kernel keeps the routes of the host's own addresses/],
    ["table 0", { destination: "10.9.0.0/24", device: "tap0", table: 0 }, /^table: a table id is a whole number from 1 to 4294967295, or "main", got 0$/],
    ["a table name other than main", { destination: "10.9.0.0/24", device: "tap0", table: "local" }, /^table: a table is a number or "main", got "local"$/],
    ["an unknown scope", { destination: "10.9.0.0/24", device: "tap0", scope: "site" }, /^scope: must be one of "global", "link", "host", got the string "site"$/],
    ["an IPv6 scope", { destination: "fd00:9::/64", device: "tap0", scope: "link" }, /^scope: IPv6 routes have no scope/],
    ["a gateway on a link-scope route", { destination: "10.9.0.0/24", gateway: "10.8.0.2", scope: "link" }, /^scope: a route through a gateway has global scope .*"Nexthop has invalid scope"/],
    ["a link-local gateway without a device", { destination: "fd00:9::/64", gateway: "fe80::1" }, /^device: the gateway fe80::1 is link-local/],
    ["default through a device alone", { destination: "default", device: "tap0" }, /^destination: "default" through a device alone names no family: write "0.0.0.0\/0" \(IPv4\) or "::\/0" \(IPv6\)$/],
    ["a bad netns", { destination: "10.9.0.0/24", device: "tap0", netns: "a/b" }, /^netns: "a\/b" contains "\/"/],
    ["an unknown property", { destination: "10.9.0.0/24", device: "tap0", via: "10.0.0.1" }, /^via: unknown property "via"; the properties are: destination, gateway, device, metric, table, scope, source, netns$/],
  ];
  for (const [what, inputs, expected] of rows) {
    test(what, () => {
      const found = failures(inputs);
      assert.equal(found.length, 1, `one failure: ${JSON.stringify(found)}`);
      assert.match(found[0] ?? "", expected);
    });
  }
});

describe("Route check: normalisation and `ip route`'s defaults", () => {
  test("IPv4 through a device: metric 0, table main, scope link", () => {
    assert.deepEqual(checked({ destination: "10.9.0.0/24", device: "tun0" }), { destination: "10.9.0.0/24", device: "tun0", table: 254, metric: 0, scope: "link" });
  });
  test("IPv4 through a gateway: scope global", () => {
    assert.deepEqual(checked({ destination: "10.9.0.0/24", gateway: "10.8.0.2" }), { destination: "10.9.0.0/24", gateway: "10.8.0.2", table: 254, metric: 0, scope: "global" });
  });
  test("IPv6: metric 1024, scope global, canonical text", () => {
    assert.deepEqual(checked({ destination: "FD00:0009:0::/64", gateway: "FD00:8::0002", table: "main" }), {
      destination: "fd00:9::/64",
      gateway: "fd00:8::2",
      table: 254,
      metric: 1024,
      scope: "global",
    });
  });
  test("default takes its family from the gateway", () => {
    assert.equal(checked({ destination: "default", gateway: "10.8.0.1" }).destination, "0.0.0.0/0");
    assert.equal(checked({ destination: "default", gateway: "fe80::1", device: "tun0" }).destination, "::/0");
  });
  test("an address alone is a host route", () => {
    assert.equal(checked({ destination: "10.9.0.7", device: "tun0" }).destination, "10.9.0.7/32");
    assert.equal(checked({ destination: "fd00::7", device: "tun0" }).destination, "fd00::7/128");
  });
  test("a declared metric, table and scope are kept", () => {
    assert.deepEqual(checked({ destination: "10.9.0.0/24", device: "tun0", metric: 50, table: 100, scope: "host" }), {
      destination: "10.9.0.0/24",
      device: "tun0",
      metric: 50,
      table: 100,
      scope: "host",
    });
  });
  test("a device not known yet (preview) is enough for a next hop, and keeps its defaults", () => {
    const outcome = checkRoute({}, { destination: "10.9.0.0/24", device: UNKNOWN });
    assert.deepEqual(outcome.failures, []);
    assert.deepEqual(outcome.inputs, { destination: "10.9.0.0/24", device: UNKNOWN, table: 254, metric: 0, scope: "link" });
  });
});

describe("Route diff: in place where NLM_F_REPLACE can, a new route where the key changes", () => {
  const STATE = { destination: "10.9.0.0/24", family: 4, gateway: "10.8.0.2", device: "tun0", metric: 0, table: 254, scope: "global", protocol: 238 };
  const diff = (inputs: Properties) => diffRoute(STATE, checked(inputs));
  test("the same route, with the device the kernel picked left undeclared: no change", () => {
    assert.deepEqual(diff({ destination: "10.9.0.0/24", gateway: "10.8.0.2" }), { changes: false, replaces: [], deleteBeforeReplace: false });
  });
  for (const [what, inputs, updates] of [
    ["another gateway", { destination: "10.9.0.0/24", gateway: "10.8.0.3" }, true],
    ["another device", { destination: "10.9.0.0/24", gateway: "10.8.0.2", device: "tun1" }, true],
    ["a source", { destination: "10.9.0.0/24", gateway: "10.8.0.2", source: "10.8.0.1" }, true],
  ] as const) {
    test(`${what}: in place`, () => assert.deepEqual(diff(inputs), { changes: updates, replaces: [], deleteBeforeReplace: false }));
  }
  for (const [what, inputs, replaces] of [
    ["another destination", { destination: "10.10.0.0/24", gateway: "10.8.0.2" }, ["destination"]],
    ["another family", { destination: "fd00:9::/64", gateway: "fd00:8::2" }, ["destination", "metric"]],
    ["another metric", { destination: "10.9.0.0/24", gateway: "10.8.0.2", metric: 10 }, ["metric"]],
    ["another table", { destination: "10.9.0.0/24", gateway: "10.8.0.2", table: 100 }, ["table"]],
    ["a namespace", { destination: "10.9.0.0/24", gateway: "10.8.0.2", netns: "lab" }, ["netns"]],
  ] as const) {
    test(`${what}: replaced, the new route made before the old goes (its key differs)`, () => {
      assert.deepEqual(diff(inputs), { changes: true, replaces: [...replaces], deleteBeforeReplace: false });
    });
  }
  test("scope link to global is in place", () => {
    const state = { ...STATE, gateway: undefined, scope: "link" };
    assert.deepEqual(diffRoute(state, checked({ destination: "10.9.0.0/24", device: "tun0", scope: "global" })), { changes: true, replaces: [], deleteBeforeReplace: false });
  });
  test("a gateway not known yet is a change; a default route whose family is not known yet is not a replacement", () => {
    const state = { ...STATE, destination: "0.0.0.0/0" };
    const outcome = diffRoute(state, checkRoute({}, { destination: "default", gateway: UNKNOWN }).inputs);
    assert.deepEqual(outcome, { changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
