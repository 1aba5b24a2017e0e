// errno → typed errors: the class a caller can catch, and a message that names operation, step, errno (name
// and description), the kernel's own words and a remedy.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DeviceBusyError,
  DeviceExistsError,
  describeErrno,
  errnoName,
  errorFromErrno,
  KernelError,
  NoSuchDeviceError,
  PermissionDeniedError,
  remedies,
} from "pulumi-tuntap/kernel";

const context = { operation: "create tap0", step: "TUNSETIFF", device: "tap0" };

describe("errorFromErrno picks the class and default remedy", () => {
  const rows: [errno: number, name: string, errorClass: typeof KernelError, remedy: string | undefined][] = [
    [1, "EPERM", PermissionDeniedError, remedies.capNetAdmin],
    [13, "EACCES", PermissionDeniedError, remedies.capNetAdmin],
    [16, "EBUSY", DeviceBusyError, remedies.heldByProcess],
    [17, "EEXIST", DeviceExistsError, undefined],
    [19, "ENODEV", NoSuchDeviceError, remedies.missingDevice],
    [22, "EINVAL", KernelError, undefined],
    [99, "EADDRNOTAVAIL", KernelError, undefined],
  ];
  for (const [errno, name, errorClass, remedy] of rows) {
    test(`${name} (${errno}) → ${errorClass.name}`, () => {
      const error = errorFromErrno(errno, context);
      assert.equal(error.constructor, errorClass);
      assert.ok(error instanceof KernelError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, errorClass.name);
      assert.equal(error.code, name);
      assert.equal(error.errno, errno);
      assert.equal(error.remedy, remedy);
      assert.deepEqual([error.operation, error.step, error.device], ["create tap0", "TUNSETIFF", "tap0"]);
    });
  }
});

describe("messages", () => {
  test("operation: step: ERRNO (description). remedy", () => {
    assert.equal(errorFromErrno(16, context).message, `create tap0: TUNSETIFF: EBUSY (device or resource busy). ${remedies.heldByProcess}`);
  });

  test("the kernel's extended ack text is quoted before the remedy", () => {
    const error = errorFromErrno(22, { operation: "update tap0", step: "set mtu 65535", kernelMessage: "mtu greater than device maximum" });
    assert.equal(error.message, 'update tap0: set mtu 65535: EINVAL (invalid argument). The kernel said: "mtu greater than device maximum".');
    assert.equal(error.kernelMessage, "mtu greater than device maximum");
  });

  test("a caller's remedy replaces the default one", () => {
    const error = errorFromErrno(16, { ...context, remedy: "Pick another name." });
    assert.equal(error.remedy, "Pick another name.");
    assert.match(error.message, /\(device or resource busy\)\. Pick another name\.$/);
    assert.doesNotMatch(error.message, /holds the device open/);
  });

  test("EACCES with a kernel message is a policy refusal, not a missing capability", () => {
    const error = errorFromErrno(13, { operation: "add address", step: "RTM_NEWADDR fd00::1/64", kernelMessage: "IPv6 is disabled on this device" });
    assert.equal(error.constructor, KernelError);
    assert.equal(error.remedy, undefined);
    assert.doesNotMatch(error.message, /CAP_NET_ADMIN/);
  });

  test("an errno without a description shows its name alone", () => {
    assert.equal(errorFromErrno(35, { operation: "op", step: "step" }).message, "op: step: EDEADLK.");
  });

  test("an errno node does not know shows its number", () => {
    assert.equal(errorFromErrno(4000, { operation: "op", step: "step" }).message, "op: step: errno 4000.");
  });

  test("the errors a user meets say what to run", () => {
    assert.match(errorFromErrno(1, context).message, /CAP_NET_ADMIN.*setcap cap_net_admin\+ep.*unshare -rn/);
    assert.match(errorFromErrno(19, context).message, /run `pulumi refresh` so the stack forgets it, then `pulumi up`/);
  });
});

describe("errno names and descriptions", () => {
  const rows: [number, string][] = [
    [1, "EPERM (operation not permitted)"],
    [2, "ENOENT (no such file or directory)"],
    [17, "EEXIST (file exists)"],
    [22, "EINVAL (invalid argument)"],
    [95, "EOPNOTSUPP (operation not supported)"],
    [99, "EADDRNOTAVAIL (cannot assign requested address)"],
    [105, "ENOBUFS (no buffer space available)"],
  ];
  for (const [errno, described] of rows) test(`${errno} is ${described}`, () => assert.equal(describeErrno(errno), described));

  // Node lists EWOULDBLOCK after EAGAIN (both 11) and the reverse map keeps the last: a user would read
  // "EWOULDBLOCK" where strace, errno(1) and the kernel say EAGAIN. Reported as a small bug.
  test("11 is named EAGAIN, as Linux names it", () => {
    assert.equal(errnoName(11), "EAGAIN");
  });
});
