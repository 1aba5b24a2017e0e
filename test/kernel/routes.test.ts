// The route codec and helpers against the real kernel, checked with `ip -j route`: add, read by key, replace in
// place and delete, IPv4 and IPv6, default routes, tables, metrics and preferred sources; and the kernel's
// refusals as typed errors with remedies.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  addRoute,
  deleteRoute,
  KernelError,
  NoSuchRouteError,
  replaceRoute,
  RouteExistsError,
  type RouteSpec,
  routesAtKey,
  rtnetlink,
} from "pulumi-tuntap/kernel";
import { parseCidr, parseIPv4, parseIPv6 } from "pulumi-tuntap/model";
import { ip } from "../support/ip";
import { routeLines } from "../support/ipRoute";

const PROTOCOL = 238;
const context = { operation: "kernel test", step: "" };
let a0 = 0;

function address(text: string): Buffer {
  const bytes = parseIPv4(text) ?? parseIPv6(text);
  assert.ok(bytes, text);
  return Buffer.from(bytes);
}

function route(destination: string, more: Partial<RouteSpec> = {}): RouteSpec {
  const parsed = parseCidr(destination);
  assert.ok(typeof parsed !== "string", destination);
  return {
    family: parsed.family,
    destination: Buffer.from(parsed.bytes),
    prefixLength: parsed.prefixLength,
    table: 254,
    metric: parsed.family === 4 ? 0 : 1024,
    protocol: PROTOCOL,
    scope: 0,
    ...more,
  };
}

before(() => {
  ip("link", "add", "a0", "type", "veth", "peer", "name", "a1");
  ip("link", "set", "a0", "up");
  ip("link", "set", "a1", "up");
  ip("address", "add", "10.1.0.1/24", "dev", "a0");
  ip("address", "add", "fd01::1/64", "dev", "a0", "nodad");
  a0 = rtnetlink().getLink("a0", "test")?.index ?? 0;
  assert.ok(a0 > 0);
});

describe("IPv4 and IPv6 routes: add, read by key, replace in place, delete", () => {
  for (const family of [4, 6] as const) {
    test(`IPv${family}`, () => {
      const netlink = rtnetlink();
      const [destination, gateway, scope, metric] = family === 4 ? ["10.9.0.0/24", "10.1.0.2", " scope link", 0] : ["fd09::/64", "fd01::2", "", 1024];
      const throughDevice = route(destination, { outputIndex: a0, scope: family === 4 ? 253 : 0 });
      addRoute(netlink, throughDevice, context);
      assert.deepEqual(routeLines(), [`${destination} dev a0 table main metric ${metric}${scope || " scope global"}`]);
      const [read] = routesAtKey(netlink, throughDevice, "test");
      assert.deepEqual(
        { protocol: read?.protocol, metric: read?.metric, table: read?.table, oif: read?.outputIndex, gateway: read?.gateway, multipath: read?.multipath },
        { protocol: PROTOCOL, metric, table: 254, oif: a0, gateway: undefined, multipath: false },
      );

      const throughGateway = route(destination, { gateway: address(gateway), outputIndex: a0 });
      replaceRoute(netlink, throughGateway, context);
      assert.deepEqual(routeLines(), [`${destination} via ${gateway} dev a0 table main metric ${metric} scope global`], "replaced at the same key, one route");
      assert.deepEqual(routesAtKey(netlink, throughDevice, "test")[0]?.gateway, address(gateway));

      assert.equal(deleteRoute(netlink, { ...throughGateway }, context), true);
      assert.deepEqual(routeLines(), []);
      assert.equal(deleteRoute(netlink, throughGateway, context), false, "a route already gone is not an error");
    });
  }
});

test("default routes of both families, a table of our own, a metric and a preferred source", () => {
  const netlink = rtnetlink();
  const specs = [
    route("0.0.0.0/0", { gateway: address("10.1.0.2") }),
    route("::/0", { gateway: address("fd01::2"), outputIndex: a0 }),
    // A table id above 255 travels in RTA_TABLE alone (rtm_table then says RT_TABLE_COMPAT).
    route("10.9.0.0/24", { outputIndex: a0, table: 100000, metric: 7, scope: 253, preferredSource: address("10.1.0.1") }),
    route("fd09::/64", { outputIndex: a0, table: 100, metric: 5, preferredSource: address("fd01::1") }),
  ];
  for (const spec of specs) addRoute(netlink, spec, context);
  assert.deepEqual(routeLines(), [
    "10.9.0.0/24 dev a0 table 100000 metric 7 scope link src 10.1.0.1",
    "default via 10.1.0.2 dev a0 table main metric 0 scope global",
    "default via fd01::2 dev a0 table main metric 1024 scope global",
    "fd09::/64 dev a0 table 100 metric 5 scope global src fd01::1",
  ]);
  for (const spec of specs) {
    const [read] = routesAtKey(netlink, spec, "test");
    assert.deepEqual([read?.table, read?.metric, read?.preferredSource], [spec.table, spec.metric, spec.preferredSource], `read back by key: ${JSON.stringify(spec.table)}`);
  }
  for (const spec of specs) assert.equal(deleteRoute(netlink, spec, context), true);
  assert.deepEqual(routeLines(), []);
});

test("a key is held by one route: another at the same table, destination and metric is EEXIST; another metric is not", () => {
  const netlink = rtnetlink();
  for (const family of [4, 6] as const) {
    const spec = family === 4 ? route("10.20.0.0/24", { outputIndex: a0, scope: 253 }) : route("fd20::/64", { outputIndex: a0 });
    addRoute(netlink, spec, context);
    assert.throws(() => addRoute(netlink, { ...spec, gateway: address(family === 4 ? "10.1.0.3" : "fd01::3"), scope: 0 }, context), RouteExistsError);
    addRoute(netlink, { ...spec, metric: spec.metric + 1 }, context);
    assert.equal(routesAtKey(netlink, spec, "test").length, 1);
    deleteRoute(netlink, spec, context);
    deleteRoute(netlink, { ...spec, metric: spec.metric + 1 }, context);
  }
  assert.deepEqual(routeLines(), []);
});

test("a delete with our protocol never removes a route of another protocol at the same key", () => {
  const netlink = rtnetlink();
  ip("route", "add", "10.30.0.0/24", "dev", "a0");
  ip("-6", "route", "add", "fd30::/64", "dev", "a0");
  assert.equal(deleteRoute(netlink, route("10.30.0.0/24", { outputIndex: a0, scope: 253 }), context), false);
  assert.equal(deleteRoute(netlink, route("fd30::/64", { outputIndex: a0 }), context), false);
  assert.deepEqual(routeLines("boot"), ["10.30.0.0/24 dev a0 table main metric 0 scope link", "fd30::/64 dev a0 table main metric 1024 scope global"]);
  ip("route", "del", "10.30.0.0/24");
  ip("-6", "route", "del", "fd30::/64");
});

test("the kernel's refusals: an unreachable gateway, a device that is down, a replace of a route not there", () => {
  const netlink = rtnetlink();
  assert.throws(
    () => addRoute(netlink, route("10.40.0.0/24", { gateway: address("10.2.0.1") }), context),
    (error: unknown) => error instanceof KernelError && error.code === "ENETUNREACH" && /not reachable on any device that is up/.test(error.message) && /Nexthop has invalid gateway/.test(error.message),
  );
  ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
  const d0 = netlink.getLink("d0", "test")?.index ?? 0;
  for (const spec of [route("10.41.0.0/24", { outputIndex: d0, scope: 253 }), route("fd41::/64", { outputIndex: d0 })]) {
    assert.throws(
      () => addRoute(netlink, spec, context),
      (error: unknown) => error instanceof KernelError && error.code === "ENETDOWN" && /device is down.*bring it up first/.test(error.message),
    );
  }
  assert.throws(() => replaceRoute(netlink, route("10.42.0.0/24", { outputIndex: a0, scope: 253 }), context), NoSuchRouteError);
  assert.throws(() => replaceRoute(netlink, route("fd42::/64", { outputIndex: a0 }), context), NoSuchRouteError);
  assert.deepEqual(routeLines(), [], "nothing was added");
  ip("link", "del", "d0");
});

test("what the kernel does on its own: a device taken down loses its routes, IPv4 and IPv6", () => {
  const netlink = rtnetlink();
  ip("link", "add", "e0", "type", "veth", "peer", "name", "e1");
  ip("link", "set", "e0", "up");
  const e0 = netlink.getLink("e0", "test")?.index ?? 0;
  addRoute(netlink, route("10.50.0.0/24", { outputIndex: e0, scope: 253 }), context);
  addRoute(netlink, route("fd50::/64", { outputIndex: e0 }), context);
  assert.equal(routeLines().length, 2);
  ip("link", "set", "e0", "down");
  assert.deepEqual(routeLines(), []);
  ip("link", "del", "e0");
});
