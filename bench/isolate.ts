// The benchmark runs in a private network namespace of its own, like the kernel tests: it re-executes itself
// under `unshare` (adding a user namespace when not root) and never touches the host's interfaces.
import { spawnSync } from "node:child_process";

const MARKER = "PULUMI_TUNTAP_BENCH_NETNS";

export function runIsolated(): void {
  if (process.env[MARKER] === "1") {
    const lo = spawnSync("ip", ["link", "set", "lo", "up"], { encoding: "utf8" });
    if (lo.status !== 0) throw new Error(`bringing up lo failed: ${lo.stderr}`);
    return;
  }
  const asRoot = process.getuid?.() === 0;
  const unshare = asRoot ? ["--net", "--mount", "--propagation", "private"] : ["--user", "--map-root-user", "--net", "--mount", "--propagation", "private"];
  const script = require.main?.filename ?? process.argv[1] ?? "";
  const result = spawnSync("unshare", [...unshare, "--", process.execPath, ...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, [MARKER]: "1" },
  });
  if (result.error !== undefined || result.status === null) {
    console.error(`cannot run in a private network namespace (unshare ${unshare.join(" ")}): ${result.error?.message ?? "killed"}`);
    process.exit(1);
  }
  process.exit(result.status);
}
