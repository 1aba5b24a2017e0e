// Preview: inputs computed from other resources reach check as the unknown sentinel. They must pass through
// untouched (never replaced by a default, never validated), and rules that depend on them must wait.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UNKNOWN } from "pulumi-tuntap/model";
import { checkBridge, checkTapInterface } from "pulumi-tuntap";

test("the sentinel is the string Pulumi's dynamic provider host sends", () => {
  assert.equal(UNKNOWN, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
});

test("an unknown MTU is accepted, reported as unknown and handed back as the sentinel", () => {
  const outcome = checkTapInterface({}, { name: "tap0", mtu: UNKNOWN });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.inputs.mtu, UNKNOWN);
  assert.deepEqual([...outcome.unknown], ["mtu"]);
  assert.equal(outcome.value?.mtu, undefined);
});

test("an unknown entry inside the addresses list keeps the whole list as given", () => {
  const addresses = ["10.0.0.1/24", UNKNOWN];
  const outcome = checkTapInterface({}, { name: "tap0", addresses });
  assert.deepEqual(outcome.failures, []);
  assert.deepEqual(outcome.inputs.addresses, addresses);
  assert.ok(outcome.unknown.has("addresses"));
});

test("an unknown mode is not replaced by the default tap", () => {
  const outcome = checkTapInterface({}, { name: "tap0", mode: UNKNOWN });
  assert.equal(outcome.inputs.mode, UNKNOWN);
  assert.equal(outcome.value?.mode, undefined);
});

test("an unknown mode defers the per-mode MTU range: 65535 passes until the mode is known", () => {
  assert.deepEqual(checkTapInterface({}, { name: "tap0", mode: UNKNOWN, mtu: 65535 }).failures, []);
});

test("an unknown mode defers the no-MAC-on-tun rule", () => {
  assert.deepEqual(checkTapInterface({}, { name: "tap0", mode: UNKNOWN, macAddress: "52:54:00:12:34:56" }).failures, []);
});

test("an unknown MAC on a known tun is still refused: whatever it turns out to be, tun has none", () => {
  const outcome = checkTapInterface({}, { name: "tun0", mode: "tun", macAddress: UNKNOWN });
  assert.deepEqual(outcome.failures.map((failure) => failure.property), ["macAddress"]);
});

test("an unknown MTU defers the IPv6 minimum-MTU rule", () => {
  assert.deepEqual(checkTapInterface({}, { name: "tap0", mtu: UNKNOWN, addresses: ["fd00::1/64"] }).failures, []);
});

test("an unknown name with adopt is accepted (the exact-name rule waits)", () => {
  const outcome = checkTapInterface({}, { name: UNKNOWN, adopt: true });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.inputs.name, UNKNOWN);
});

test("an unknown owner and group are passed through for the resource layer", () => {
  const outcome = checkTapInterface({}, { name: "tap0", owner: UNKNOWN, group: UNKNOWN });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.inputs.owner, UNKNOWN);
  assert.equal(outcome.inputs.group, UNKNOWN);
});

test("a known bad value beside an unknown one is still refused", () => {
  const outcome = checkTapInterface({}, { name: "tap0", mtu: UNKNOWN, up: "yes" });
  assert.deepEqual(outcome.failures.map((failure) => failure.property), ["up"]);
});

test("__provider is stripped even when other inputs are unknown", () => {
  const outcome = checkTapInterface({}, { __provider: "x", name: "tap0", mtu: UNKNOWN });
  assert.equal(Object.hasOwn(outcome.inputs, "__provider"), false);
});

test("Bridge: an unknown stp is not replaced by the default false", () => {
  const outcome = checkBridge({}, { name: "br0", stp: UNKNOWN });
  assert.deepEqual(outcome.failures, []);
  assert.equal(outcome.inputs.stp, UNKNOWN);
  assert.equal(outcome.inputs.up, true);
});

test("Bridge: an unknown address in the list is kept as given", () => {
  const addresses = [UNKNOWN, "fd00::1/64"];
  const outcome = checkBridge({}, { name: "br0", addresses });
  assert.deepEqual(outcome.failures, []);
  assert.deepEqual(outcome.inputs.addresses, addresses);
});

// Known entries next to an unknown one could be validated now; today the whole list is skipped, so a typo
// only surfaces at `pulumi up`. Reported to the lead (see the unit-test report), kept as a known gap.
test("a malformed known address beside an unknown one is refused in preview", () => {
  const outcome = checkTapInterface({}, { name: "tap0", addresses: ["10.0.0.300/24", UNKNOWN] });
  assert.deepEqual(outcome.failures.map((failure) => failure.property), ["addresses[0]"]);
});
