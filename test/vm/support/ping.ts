// Pings from the host side (this test's namespace, or a named one), with busybox's ping: Debian's
// busybox-static, which the guest image needs anyway, is on every machine that runs these tests.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const BUSYBOX = "/bin/busybox";

export interface PingResult {
  /** Echo replies received. */
  received: number;
  /** The average round trip, when any reply came. */
  rttMs?: number;
  output: string;
}

export function hostPing(address: string, options: { netns?: string; count?: number } = {}): PingResult {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: apt-get install busybox-static (tools/guest/build-image.sh installs it)`);
  const ping = [BUSYBOX, "ping", "-c", String(options.count ?? 3), "-W", "2", address];
  const argv = options.netns === undefined ? ping : ["ip", "netns", "exec", options.netns, ...ping];
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  const output = `${result.stdout}${result.stderr}`;
  const received = Number(/(\d+) packets received/.exec(output)?.[1] ?? 0);
  const average = /round-trip min\/avg\/max = [0-9.]+\/([0-9.]+)\//.exec(output)?.[1];
  return { received, ...(average === undefined ? {} : { rttMs: Number(average) }), output };
}
