// Forwarding model: refusals, defaults, the switches the inputs ask for, the diff, and what a delete does with a
// switch: lowered only when this stack raised it and no other claim remains.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkForwarding, diffForwarding, forwardingClaimName, forwardingSwitches, foundBeforeAnyStack, releaseSwitch } from "pulumi-tuntap";
import { type Properties, UNKNOWN } from "pulumi-tuntap/model";
import { type AcceptedRow, assertAccepted, assertRejected, type RejectedRow } from "./support/checkRows";

describe("Forwarding check", () => {
  const rejected: RejectedRow[] = [
    { title: "nothing to turn on", inputs: { ipv4: false }, property: "ipv4", reason: /^ipv4 and ipv6 are both false: this Forwarding would turn on nothing/ },
    { title: "not a boolean", inputs: { ipv6: "yes" }, property: "ipv6", reason: /^expected a boolean, got the string "yes"$/ },
    { title: "an empty device list", inputs: { devices: [] }, property: "devices", reason: /^name at least one device, or leave devices out for the global switches$/ },
    { title: "a device twice", inputs: { devices: ["lab0", "eth0", "lab0"] }, property: "devices[2]", reason: /^"lab0" repeats devices\[0\]$/ },
    { title: "a bad device name", inputs: { devices: ["lab/0"] }, property: "devices[0]", reason: /contains "\/" or ":"/ },
    { title: "a bad netns", inputs: { netns: "" }, property: "netns", reason: /must not be empty/ },
    { title: "an unknown property", inputs: { forward: true }, property: "forward", reason: /^unknown property "forward"; the properties are: ipv4, ipv6, devices, netns, managedBy$/ },
  ];
  for (const row of rejected) test(row.title, () => assertRejected(checkForwarding({}, row.inputs), row));

  const accepted: AcceptedRow[] = [
    { title: "IPv4, globally, as libvirt and NetworkManager's shared mode do", inputs: {}, expected: { ipv4: true, ipv6: false } },
    { title: "both families on two devices, in a namespace", inputs: { ipv6: true, devices: ["lab0", "eth0"], netns: "router" }, expected: { ipv4: true, ipv6: true, devices: ["lab0", "eth0"], netns: "router" } },
    { title: "IPv6 alone", inputs: { ipv4: false, ipv6: true }, expected: { ipv4: false, ipv6: true } },
  ];
  for (const row of accepted) test(row.title, () => assertAccepted(checkForwarding({}, row.inputs), row));

  test("a family not known yet is not 'nothing to turn on'", () => {
    assert.deepEqual(checkForwarding({}, { ipv4: false, ipv6: UNKNOWN }).failures, []);
  });
});

test("the switches: one per family, globally or per device, IPv4 first", () => {
  assert.deepEqual(forwardingSwitches({ ipv4: true, ipv6: true }), [{ version: 4 }, { version: 6 }]);
  assert.deepEqual(forwardingSwitches({ ipv4: true, ipv6: false, devices: ["lab0", "eth0"] }), [
    { version: 4, device: "lab0" },
    { version: 4, device: "eth0" },
  ]);
  // Derived as interface names are (15 bytes: the logical name cut to fit), after "pulumi-".
  assert.match(forwardingClaimName("lab/dev/forwarding", "00000000"), /^pulumi-forwardi-[0-9a-f]{6}$/);
  assert.equal(forwardingClaimName(undefined, "abcdef12"), "pulumi-fwd-abcdef", "no identity: a random name");
});

describe("claims: what was there before any stack, and who may lower it", () => {
  test("the first claimant records the value it finds; later ones inherit what the first found", () => {
    assert.equal(foundBeforeAnyStack(0, []), 0);
    assert.equal(foundBeforeAnyStack(1, []), 1);
    assert.equal(foundBeforeAnyStack(1, [{ found: 0 }]), 0, "another stack raised it from 0");
    assert.equal(foundBeforeAnyStack(1, [{ found: 1 }]), 1, "it was on before any stack");
  });

  const rows: [string, 0 | 1, number, string[], boolean, RegExp][] = [
    ["raised by this stack alone: lowered again", 0, 1, [], true, /turned off again/],
    ["raised by this stack, still claimed by another: left on, saying who", 0, 1, ["pulumi:lab:prod:fwd:89abcdef"], false, /left on: pulumi:lab:prod:fwd:89abcdef still needs it/],
    ["on before any stack (the admin's): never lowered", 1, 1, [], false, /already on before this stack/],
    ["lowered meanwhile by hand: nothing to do", 0, 0, [], false, /off already/],
  ];
  for (const [what, found, current, others, lower, reason] of rows) {
    test(what, () => {
      const plan = releaseSwitch(found, current, others);
      assert.equal(plan.lower, lower);
      assert.match(plan.reason, reason);
    });
  }
});

describe("Forwarding diff: changes in place, another namespace replaces", () => {
  const olds: Properties = { ipv4: true, ipv6: false, switches: [{ version: 4, found: 0 }], drift: [] };
  const rows: [string, Properties, Properties, { changes: boolean; replaces: string[] }][] = [
    ["nothing", olds, { ipv4: true, ipv6: false }, { changes: false, replaces: [] }],
    ["IPv6 too", olds, { ipv4: true, ipv6: true }, { changes: true, replaces: [] }],
    ["per device instead of globally", olds, { ipv4: true, ipv6: false, devices: ["lab0"] }, { changes: true, replaces: [] }],
    ["the same devices in another order", { ...olds, devices: ["lab0", "eth0"] }, { ipv4: true, ipv6: false, devices: ["eth0", "lab0"] }, { changes: false, replaces: [] }],
    ["devices not known yet", { ...olds, devices: ["lab0"] }, { ipv4: true, ipv6: false, devices: [UNKNOWN] }, { changes: true, replaces: [] }],
    ["another namespace", olds, { ipv4: true, ipv6: false, netns: "router" }, { changes: true, replaces: ["netns"] }],
    ["a switch lowered by hand (drift)", { ...olds, drift: ["net.ipv4.ip_forward is 0"] }, { ipv4: true, ipv6: false }, { changes: true, replaces: [] }],
  ];
  for (const [what, previous, next, expected] of rows) {
    test(what, () => {
      const outcome = diffForwarding(previous, next);
      assert.deepEqual({ changes: outcome.changes, replaces: outcome.replaces }, expected);
    });
  }
});
