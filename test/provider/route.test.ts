// Route's provider end to end, checked with `ip -j route`: the lifecycle (create, read, update in place,
// delete), drift the kernel or a person makes (a route deleted, its device taken down), refusals of routes that
// are not this stack's, and an update the kernel refuses leaving the route as it was.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { routeProvider, tapInterfaceProvider } from "pulumi-tuntap";
import type { Properties } from "pulumi-tuntap/model";
import { ip } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { checked, create, type Created, update } from "../support/providers";

const managedBy = (resource: string) => `tuntap-tests/dev/${resource}`;

before(async () => {
  await create(tapInterfaceProvider, { name: "rt0", mode: "tun", addresses: ["10.60.0.1/24", "fd60::1/64"], managedBy: managedBy("rt0") });
  await create(tapInterfaceProvider, { name: "rt1", mode: "tun", addresses: ["10.60.1.1/24"], managedBy: managedBy("rt1") });
});

async function deleted(route: Created): Promise<void> {
  await routeProvider.delete?.(route.id, route.outs);
}

test("IPv4 through a gateway: created, read, its gateway and device changed in place, deleted", async () => {
  const route = await create(routeProvider, { destination: "10.61.0.0/24", gateway: "10.60.0.2" });
  assert.equal(route.id, "10.61.0.0/24 table 254 metric 0");
  // What the route lacks is recorded as null, so that a program's preview knows it unset (see lifecycle/unsetOutputs.ts).
  assert.deepEqual(route.outs, { destination: "10.61.0.0/24", family: 4, gateway: "10.60.0.2", device: "rt0", metric: 0, table: 254, scope: "global", protocol: 238, source: null, netns: null });
  assert.deepEqual(routeLines(), ["10.61.0.0/24 via 10.60.0.2 dev rt0 table main metric 0 scope global"]);

  const moved = await update(routeProvider, route, { destination: "10.61.0.0/24", gateway: "10.60.1.2", device: "rt1", source: "10.60.1.1" });
  assert.deepEqual(routeLines(), ["10.61.0.0/24 via 10.60.1.2 dev rt1 table main metric 0 scope global src 10.60.1.1"]);
  assert.equal(moved.device, "rt1");

  const direct = await update(routeProvider, { id: route.id, outs: moved }, { destination: "10.61.0.0/24", device: "rt0" });
  assert.deepEqual(routeLines(), ["10.61.0.0/24 dev rt0 table main metric 0 scope link"], "gateway and source gone, scope link as `ip route` would");
  await deleted({ id: route.id, outs: direct });
  assert.deepEqual(routeLines(), []);
  await routeProvider.delete?.(route.id, direct); // a second delete, of a route already gone, succeeds
});

test("IPv6 out of a device, then through a gateway in place; a default route of each family in a table of our own", async () => {
  const route = await create(routeProvider, { destination: "fd61::/64", device: "rt0" });
  assert.deepEqual(routeLines(), ["fd61::/64 dev rt0 table main metric 1024 scope global"]);
  const outs = await update(routeProvider, route, { destination: "fd61::/64", gateway: "fd60::2", device: "rt0" });
  assert.deepEqual(routeLines(), ["fd61::/64 via fd60::2 dev rt0 table main metric 1024 scope global"], "IPv6's replace swaps the route at the key");
  await deleted({ id: route.id, outs });

  const v4 = await create(routeProvider, { destination: "default", gateway: "10.60.0.254", table: 100, metric: 20 });
  const v6 = await create(routeProvider, { destination: "default", gateway: "fd60::fe", device: "rt0", table: 100 });
  assert.deepEqual(routeLines(), ["default via 10.60.0.254 dev rt0 table 100 metric 20 scope global", "default via fd60::fe dev rt0 table 100 metric 1024 scope global"]);
  assert.deepEqual([v4.outs.destination, v6.outs.destination], ["0.0.0.0/0", "::/0"]);
  await deleted(v4);
  await deleted(v6);
  assert.deepEqual(routeLines(), []);
});

test("drift: a route deleted behind our back, or lost with its device taken down, reads as gone; made again once the device is up", async () => {
  const inputs = { destination: "10.62.0.0/24", device: "rt0" };
  const route = await create(routeProvider, inputs);
  ip("route", "del", "10.62.0.0/24");
  assert.deepEqual(await routeProvider.read?.(route.id, route.outs), {}, "refresh drops it");
  const again = await create(routeProvider, inputs);

  ip("link", "set", "rt0", "down");
  assert.deepEqual(routeLines(), [], "the kernel removed it with the device going down");
  assert.deepEqual(await routeProvider.read?.(again.id, again.outs), {});
  const whileDown = await checked(routeProvider, inputs);
  await assert.rejects(routeProvider.create(whileDown), /ENETDOWN.*The route's device is down.*bring it up first/);
  ip("link", "set", "rt0", "up");
  const back = await create(routeProvider, inputs);
  assert.deepEqual(routeLines(), ["10.62.0.0/24 dev rt0 table main metric 0 scope link"]);
  await deleted(back);
});

test("a key taken by a route that is not this stack's is refused, naming it; it is never changed or deleted", async () => {
  ip("route", "add", "10.63.0.0/24", "dev", "rt1");
  const inputs = await checked(routeProvider, { destination: "10.63.0.0/24", gateway: "10.60.0.2" });
  await assert.rejects(
    routeProvider.create(inputs),
    /10\.63\.0\.0\/24 in table 254 at metric 0 is already taken by a route dev rt1 \(proto boot: added with `ip route add`.*Give this route another metric or table, or remove that route if nothing needs it \(`ip route del 10\.63\.0\.0\/24 table 254 metric 0`\)\. Nothing was changed\.$/,
  );
  ip("route", "add", "10.64.0.0/24", "dev", "rt1", "proto", "238");
  await assert.rejects(
    routeProvider.create(await checked(routeProvider, { destination: "10.64.0.0/24", device: "rt0" })),
    /already taken by a route dev rt1 \(proto 238: made by pulumi-tuntap, but not recorded in this stack for this resource/,
  );
  assert.deepEqual(routeLines("boot"), ["10.63.0.0/24 dev rt1 table main metric 0 scope link"]);
  assert.deepEqual(routeLines(), ["10.64.0.0/24 dev rt1 table main metric 0 scope link"]);
  ip("route", "del", "10.64.0.0/24");

  // Our route deleted and the key taken by someone else: update is refused, delete leaves theirs.
  const ours = await create(routeProvider, { destination: "10.65.0.0/24", device: "rt0" });
  ip("route", "del", "10.65.0.0/24");
  ip("route", "add", "10.65.0.0/24", "dev", "rt1");
  const news = await checked(routeProvider, { destination: "10.65.0.0/24", device: "rt1" });
  await assert.rejects(
    routeProvider.update?.(ours.id, ours.outs, news) ?? Promise.resolve(),
    /update route 10\.65\.0\.0\/24 table 254 metric 0: This stack's route is gone from its key \(deleted with its device, or by hand\), and 10\.65\.0\.0\/24 in table 254 at metric 0 is already taken by a route dev rt1 \(proto boot.*Nothing was changed\.$/,
  );
  await deleted(ours);
  assert.deepEqual(routeLines("boot"), ["10.63.0.0/24 dev rt1 table main metric 0 scope link", "10.65.0.0/24 dev rt1 table main metric 0 scope link"]);
  ip("route", "del", "10.63.0.0/24");
  ip("route", "del", "10.65.0.0/24");
});

test("an update the kernel refuses (an unreachable gateway) leaves the route as it was", async () => {
  const route = await create(routeProvider, { destination: "10.66.0.0/24", gateway: "10.60.0.2" });
  const before = routeLines();
  const news = await checked(routeProvider, { destination: "10.66.0.0/24", gateway: "10.99.0.1" });
  await assert.rejects(routeProvider.update?.(route.id, route.outs, news) ?? Promise.resolve(), /ENETUNREACH.*The route's gateway is not reachable on any device that is up.*The route was left as it was\.$/s);
  assert.deepEqual(routeLines(), before);
  assert.deepEqual((await routeProvider.read?.(route.id, route.outs))?.props, route.outs);
  await deleted(route);
});

test("create without check: bad inputs and a missing device are named, nothing is touched", async () => {
  await assert.rejects(routeProvider.create({ destination: "10.67.0.1/24", device: "rt0" }), /destination: "10.67.0.1\/24" has host bits set/);
  await assert.rejects(routeProvider.create({ destination: "10.67.0.0/24", device: "nosuch0" }), /device: no device named nosuch0 exists; create it first/);
  assert.deepEqual(routeLines(), []);
});

test("a route in a named network namespace; a namespace gone reads as gone and deletes as done", async () => {
  ip("netns", "add", "rtlab");
  ip("-n", "rtlab", "link", "add", "n0", "type", "veth", "peer", "name", "n1");
  ip("-n", "rtlab", "link", "set", "n0", "up");
  const route = await create(routeProvider, { destination: "fd68::/64", device: "n0", netns: "rtlab" });
  assert.deepEqual(route.outs.netns, "rtlab");
  assert.deepEqual(routeLines("238", "rtlab"), ["fd68::/64 dev n0 table main metric 1024 scope global"]);
  assert.deepEqual(routeLines(), [], "nothing in the test's own namespace");
  ip("netns", "delete", "rtlab");
  assert.deepEqual(await routeProvider.read?.(route.id, route.outs), {});
  await routeProvider.delete?.(route.id, route.outs as Properties);
});

test("a route whose device was replaced in the same run (the kernel removed the route with the old device) is made again by the update", async () => {
  ip("tuntap", "add", "old0", "mode", "tun");
  ip("link", "set", "old0", "up");
  const route = await create(routeProvider, { destination: "10.69.0.0/24", device: "old0" });
  ip("link", "delete", "old0");
  assert.deepEqual(routeLines(), [], "gone with its device");
  ip("tuntap", "add", "new0", "mode", "tun");
  ip("link", "set", "new0", "up");
  const outs = await update(routeProvider, route, { destination: "10.69.0.0/24", device: "new0" });
  assert.deepEqual(routeLines(), ["10.69.0.0/24 dev new0 table main metric 0 scope link"]);
  assert.equal(outs.device, "new0");
  await routeProvider.delete?.(route.id, outs);
  ip("link", "delete", "new0");
});

test("an IPv6 gateway no address reaches is refused saying so, not with a bare EHOSTUNREACH", async () => {
  const inputs = await checked(routeProvider, { destination: "fd73::/64", gateway: "fd99::1" });
  await assert.rejects(routeProvider.create(inputs), /create route fd73::\/64 table 254 metric 1024: RTM_NEWROUTE: EHOSTUNREACH \(no route to host\)\. The route's IPv6 gateway is not reachable: no address of an up device covers it/);
  await assert.rejects(
    routeProvider.create(await checked(routeProvider, { destination: "fd73::/64", gateway: "fd60::2", device: "rt1" })),
    /EHOSTUNREACH.*or it is reached by another device than the one named/,
  );
  assert.deepEqual(routeLines(), []);
});

test("a route the kernel removed since the state was recorded is a change to the diff, with no refresh first, and the update makes it again", async () => {
  const inputs = { destination: "10.70.0.0/24", device: "rt0" };
  const route = await create(routeProvider, inputs);
  ip("route", "del", "10.70.0.0/24");
  const outs = await update(routeProvider, route, inputs);
  assert.deepEqual(outs, route.outs);
  assert.deepEqual(routeLines(), ["10.70.0.0/24 dev rt0 table main metric 0 scope link"]);
  await deleted({ id: route.id, outs });
});

test("ours behind another program's route at its key (ip route prepend), and a route with a tos at another key: an update changes ours alone", async () => {
  const route = await create(routeProvider, { destination: "10.72.0.0/24", gateway: "10.60.0.2" });
  ip("route", "prepend", "10.72.0.0/24", "via", "10.60.1.3", "proto", "static");
  ip("route", "add", "10.72.0.0/24", "tos", "0x10", "via", "10.60.1.4", "proto", "static");
  const theirs = ["10.72.0.0/24 via 10.60.1.3 dev rt1 table main metric 0 scope global", "10.72.0.0/24 via 10.60.1.4 dev rt1 table main metric 0 scope global"];
  assert.deepEqual((await routeProvider.read?.(route.id, route.outs))?.props, route.outs, "read finds ours");
  const outs = await update(routeProvider, route, { destination: "10.72.0.0/24", gateway: "10.60.0.3" });
  assert.deepEqual(routeLines(), ["10.72.0.0/24 via 10.60.0.3 dev rt0 table main metric 0 scope global"]);
  assert.deepEqual(routeLines("static"), theirs, "theirs untouched");

  const unreachable = await checked(routeProvider, { destination: "10.72.0.0/24", gateway: "10.99.0.1" });
  await assert.rejects(routeProvider.update?.(route.id, outs, unreachable) ?? Promise.resolve(), /ENETUNREACH.*Rolled back: delete the route behind another program's\.$/s);
  assert.deepEqual(routeLines(), ["10.72.0.0/24 via 10.60.0.3 dev rt0 table main metric 0 scope global"], "ours put back");
  await deleted({ id: route.id, outs });
  assert.deepEqual([routeLines(), routeLines("static")], [[], theirs]);
  ip("route", "del", "10.72.0.0/24", "tos", "0x10");
  ip("route", "del", "10.72.0.0/24");
});

test("ours merged with another program's next hop into one IPv6 multipath route (ip -6 route append): read as ours, deleted alone, an update refused saying how to part them", async () => {
  ip("link", "add", "mp0", "type", "veth", "peer", "name", "mp1");
  ip("link", "set", "mp0", "up");
  ip("link", "set", "mp1", "up");
  ip("address", "add", "fd74::1/64", "dev", "mp0", "nodad");
  const route = await create(routeProvider, { destination: "fd71::/64", gateway: "fd74::2", device: "mp0" });
  ip("-6", "route", "append", "fd71::/64", "via", "fd74::3", "dev", "mp0", "proto", "static");
  assert.deepEqual((await routeProvider.read?.(route.id, route.outs))?.props, route.outs, "refresh keeps ours as it was");
  const news = await checked(routeProvider, { destination: "fd71::/64", gateway: "fd74::4", device: "mp0" });
  await assert.rejects(
    routeProvider.update?.(route.id, route.outs, news) ?? Promise.resolve(),
    /update route fd71::\/64 table 254 metric 1024: the kernel has merged this stack's route to fd71::\/64 \(table 254, metric 1024\) with next hops another program added at the same key \(via fd74::3 dev mp0\).*`ip -6 route del fd71::\/64 table 254 metric 1024 via fd74::3 dev mp0`.*Nothing was changed\.$/,
  );
  await deleted(route);
  assert.deepEqual([routeLines(), routeLines("static")], [[], ["fd71::/64 via fd74::3 dev mp0 table main metric 1024 scope global"]], "our next hop gone, theirs kept");
  ip("link", "del", "mp0");
});
