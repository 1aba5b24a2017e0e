// The benchmark measures inside a private network namespace of its own, like the kernel tests: it re-executes
// itself under `unshare` (adding a user namespace when not root) and never touches the host's interfaces. What
// needs the network (npm installing the CLI stacks' projects) is done before, in the parent.
import { spawnSync } from "node:child_process";

const MARKER = "PULUMI_TUNTAP_BENCH_NETNS";

/** True in the re-executed process, inside the namespace (with `lo` brought up). */
export function insideBenchNamespace(): boolean {
  if (process.env[MARKER] !== "1") return false;
  const lo = spawnSync("ip", ["link", "set", "lo", "up"], { encoding: "utf8" });
  if (lo.status !== 0) throw new Error(`bringing up lo failed: ${lo.stderr}`);
  return true;
}

/** Runs this script again inside a private network and mount namespace, with `environment` added; its exit status. */
export function runInBenchNamespace(environment: Record<string, string>): number {
  const asRoot = process.getuid?.() === 0;
  const unshare = asRoot ? ["--net", "--mount", "--propagation", "private"] : ["--user", "--map-root-user", "--net", "--mount", "--propagation", "private"];
  const script = require.main?.filename ?? process.argv[1] ?? "";
  const result = spawnSync("unshare", [...unshare, "--", process.execPath, ...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, ...environment, [MARKER]: "1" },
  });
  if (result.error !== undefined || result.status === null) {
    console.error(`cannot run in a private network namespace (unshare ${unshare.join(" ")}): ${result.error?.message ?? "killed"}`);
    return 1;
  }
  return result.status;
}
