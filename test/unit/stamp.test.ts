// Ownership stamps: the altname that marks a device as one resource's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { findStamp, isStampFor, newStamp, stampOwnerPart } from "pulumi-tuntap/model";

test("a stamp spells out project, stack and resource, then an 8-hex nonce", () => {
  assert.equal(newStamp("lab/dev/uplink", "0123abcd"), "pulumi:lab:dev:uplink:0123abcd");
});

test("characters an altname should not hold are percent-encoded", () => {
  assert.equal(stampOwnerPart("lab/dev/my vm"), "pulumi:lab:dev:my%20vm");
});

test("a random nonce is 8 hex digits and differs between generations", () => {
  const first = newStamp("lab/dev/uplink");
  const second = newStamp("lab/dev/uplink");
  assert.match(first, /^pulumi:lab:dev:uplink:[0-9a-f]{8}$/);
  assert.notEqual(first, second);
});

test("isStampFor recognises any generation of the same identity", () => {
  assert.equal(isStampFor(newStamp("lab/dev/uplink"), "lab/dev/uplink"), true);
});

test("isStampFor refuses another resource whose name extends this one's", () => {
  assert.equal(isStampFor("pulumi:lab:dev:uplink2:0123abcd", "lab/dev/uplink"), false);
  assert.equal(isStampFor("pulumi:lab:dev:uplink:extra:0123abcd", "lab/dev/uplink"), false);
});

test("isStampFor refuses a malformed nonce", () => assert.equal(isStampFor("pulumi:lab:dev:uplink:XYZ", "lab/dev/uplink"), false));

test("a stamp never exceeds the 127 bytes an altname holds, however long the identity", () => {
  const identity = `lab/dev/${"x".repeat(300)}`;
  const stamp = newStamp(identity, "00000000");
  assert.ok(Buffer.byteLength(stamp) <= 127, `${Buffer.byteLength(stamp)} bytes`);
  assert.equal(isStampFor(stamp, identity), true);
  assert.equal(isStampFor(stamp, `${identity}y`), false);
});

test("findStamp picks the pulumi: altname among others", () => {
  assert.equal(findStamp(["enp0s1", "pulumi:a:b:c:00000000"]), "pulumi:a:b:c:00000000");
  assert.equal(findStamp(["enp0s1"]), undefined);
});
