// Import this first in any test file that touches the kernel: the file then runs in a network namespace
// (and mount namespace) of its own, made for it, so no test ever sees or changes the host's interfaces and
// test files never see each other's devices.
//
// How: the file re-executes itself under `unshare` (as root: --net --mount; as an ordinary user: also
// --user --map-root-user, where the kernel allows unprivileged user namespaces), with stdio inherited, so
// node's test runner reads the inner run's results as this file's. Inside, loopback is brought up (gRPC
// talks over 127.0.0.1) and a private tmpfs is mounted on /run/netns so that `ip netns add` stays private.
// When no namespace can be made, the file reports one failing test saying why: never a silent pass.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { test } from "node:test";

const MARKER = "PULUMI_TUNTAP_PRIVATE_NETNS";
const testFile = require.main?.filename ?? process.argv[1] ?? "";

function unshareArguments(): string[] {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? ["--net", "--mount", "--propagation", "private"] : ["--user", "--map-root-user", "--net", "--mount", "--propagation", "private"];
}

function failLoudly(reason: string): void {
  test("private network namespace for kernel tests", () => {
    throw new Error(
      `${reason}\nKernel tests run only inside a private network namespace: run them as root, or as a user on a kernel that ` +
        "allows unprivileged user namespaces (`unshare -rn true` must work).",
    );
  });
}

function setUpInside(): string | undefined {
  const lo = spawnSync("ip", ["link", "set", "lo", "up"], { encoding: "utf8" });
  if (lo.status !== 0) return `bringing up lo failed: ${lo.stderr || lo.error?.message}`;
  try {
    mkdirSync("/run/netns", { recursive: true });
  } catch {
    // Exists already, or /run is read-only: the mount below tells.
  }
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run/netns"], { encoding: "utf8" });
  if (mount.status !== 0) return `mounting a private /run/netns failed: ${mount.stderr || mount.error?.message}`;
  return undefined;
}

if (process.env[MARKER] !== testFile) {
  const probe = spawnSync("unshare", [...unshareArguments(), "true"], { encoding: "utf8" });
  if (probe.status !== 0) {
    failLoudly(`Cannot create a private network namespace: unshare ${unshareArguments().join(" ")} said: ${(probe.stderr || probe.error?.message || "").trim()}`);
  } else {
    const inner = spawnSync("unshare", [...unshareArguments(), "--", process.execPath, ...process.execArgv, testFile], {
      stdio: "inherit",
      env: { ...process.env, [MARKER]: testFile },
    });
    process.exit(inner.status ?? 1);
  }
} else {
  const problem = setUpInside();
  if (problem !== undefined) failLoudly(problem);
}

/** True in the isolated run: tests may touch the kernel. */
export const insidePrivateNamespace = process.env[MARKER] === testFile;
