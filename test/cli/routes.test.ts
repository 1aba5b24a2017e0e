// Route through the real Pulumi CLI, one program through its whole life: preview, up, an up with no change, a
// gateway changed in place, a destination changed (a new route made before the old one goes), drift made with
// `ip` recorded by refresh and put back by up, a route deleted behind the stack's back dropped by refresh and
// made again by up, the tun taken down (the kernel drops its route) then refresh and up, destroy. Each outcome
// is checked with `ip -j route`.
import "../support/privateNetns";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ip } from "../support/ip";
import { routeLines } from "../support/ipRoute";
import { assertChanges, assertOk } from "./scenarios/sequence";
import { CliStack } from "./support/cliStack";
import { testProgramsDirectory } from "./support/paths";
import { describe as describeRun } from "./support/result";

let stack: CliStack;

const TUNNEL = "10.81.0.0/24 dev rtun0 table main metric 0 scope link";
const V6 = "fd80::/64 via fd70::2 dev rveth0 table 100 metric 1024 scope global";

before(async () => {
  ip("link", "add", "rveth0", "type", "veth", "peer", "name", "rveth1");
  ip("link", "set", "rveth0", "up");
  ip("link", "set", "rveth1", "up");
  ip("address", "add", "10.70.0.1/24", "dev", "rveth0");
  ip("address", "add", "fd70::1/64", "dev", "rveth0", "nodad");
  stack = await CliStack.open({ projectDirectory: join(testProgramsDirectory, "routes") });
});

after(async () => {
  await stack.destroyAndClose();
});

test("preview plans the tun and three routes and touches nothing", async () => {
  const result = await stack.preview();
  assertOk(result);
  assert.deepEqual(result.changes, { create: 5 }, describeRun(result));
  assert.deepEqual(routeLines(), []);
});

test("up makes them, the tun before the route out of it; an up again changes nothing", async () => {
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual(up.changes, { create: 5 }, describeRun(up));
  assert.deepEqual(routeLines(), ["10.80.0.0/24 via 10.70.0.2 dev rveth0 table main metric 0 scope global", TUNNEL, V6]);
  assert.deepEqual([up.outputs.tunnelDevice, up.outputs.remoteGateway, up.outputs.v6Metric], ["rtun0", "10.70.0.2", 1024]);
  const order = up.steps.map((step) => step.urn.split("::").pop());
  assert.ok(order.indexOf("tun") < order.indexOf("tunnel"), `the tun first: ${order.join(", ")}`);

  const again = await stack.up();
  assertOk(again);
  assert.deepEqual(again.changes, { same: 5 }, describeRun(again));
});

test("another gateway is changed in place", async () => {
  await stack.setConfig("gateway", "10.70.0.3");
  const up = await stack.up();
  assertOk(up);
  assertChanges(up, ["same", "update"], "the gateway changes in place");
  assert.equal(up.changes.update, 1);
  assert.deepEqual(routeLines(), ["10.80.0.0/24 via 10.70.0.3 dev rveth0 table main metric 0 scope global", TUNNEL, V6]);
});

test("another destination replaces the route, the new one made before the old one goes", async () => {
  await stack.setConfig("remote", "10.82.0.0/24");
  const up = await stack.up();
  assertOk(up);
  assertChanges(up, ["same", "replace"], "the destination needs a new route");
  const order = up.steps.map((step) => step.op);
  assert.ok(order.indexOf("create-replacement") < order.indexOf("delete-replaced"), `create before delete: ${order.join(", ")}`);
  assert.deepEqual(routeLines(), [TUNNEL, "10.82.0.0/24 via 10.70.0.3 dev rveth0 table main metric 0 scope global", V6]);
});

test("drift made with ip is recorded by refresh and put back by up", async () => {
  ip("route", "replace", "10.82.0.0/24", "via", "10.70.0.9", "dev", "rveth0", "proto", "238");
  const refresh = await stack.refresh();
  assertOk(refresh);
  assert.equal(refresh.changes.update, 1, describeRun(refresh));
  const up = await stack.up();
  assertOk(up);
  assert.equal(up.changes.update, 1, describeRun(up));
  assert.deepEqual(routeLines(), [TUNNEL, "10.82.0.0/24 via 10.70.0.3 dev rveth0 table main metric 0 scope global", V6]);
});

test("a route deleted behind the stack's back leaves the state on refresh and comes back on up", async () => {
  ip("route", "del", "10.81.0.0/24");
  const refresh = await stack.refresh();
  assertOk(refresh);
  assert.equal(refresh.changes.delete, 1, describeRun(refresh));
  const up = await stack.up();
  assertOk(up);
  assert.equal(up.changes.create, 1, describeRun(up));
  assert.deepEqual(routeLines(), [TUNNEL, "10.82.0.0/24 via 10.70.0.3 dev rveth0 table main metric 0 scope global", V6]);
});

test("the tun taken down with ip loses its route: refresh records both, up brings the tun up and then makes the route", async () => {
  ip("link", "set", "rtun0", "down");
  assert.deepEqual(routeLines(), ["10.82.0.0/24 via 10.70.0.3 dev rveth0 table main metric 0 scope global", V6], "the kernel removed the route with the tun going down");
  const refresh = await stack.refresh();
  assertOk(refresh);
  assert.deepEqual([refresh.changes.update, refresh.changes.delete], [1, 1], describeRun(refresh));
  const up = await stack.up();
  assertOk(up);
  assert.deepEqual([up.changes.update, up.changes.create], [1, 1], describeRun(up));
  assert.deepEqual(routeLines(), [TUNNEL, "10.82.0.0/24 via 10.70.0.3 dev rveth0 table main metric 0 scope global", V6]);
});

test("destroy removes the routes and the tun, and leaves the veth made with ip", async () => {
  const destroy = await stack.destroy();
  assertOk(destroy);
  assert.deepEqual(destroy.changes, { delete: 5 }, describeRun(destroy));
  const order = destroy.steps.map((step) => step.urn.split("::").pop());
  assert.ok(order.indexOf("tunnel") < order.indexOf("tun"), `the route before its tun: ${order.join(", ")}`);
  assert.deepEqual(routeLines(), []);
  assert.deepEqual(
    routeLines("kernel").filter((line) => /^(10\.70\.0\.0|fd70::)/.test(line) && line.includes("table main")),
    ["10.70.0.0/24 dev rveth0 table main metric 0 scope link src 10.70.0.1", "fd70::/64 dev rveth0 table main metric 256 scope global"],
    "the veth and its own routes are untouched",
  );
});
