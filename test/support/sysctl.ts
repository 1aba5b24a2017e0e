// The independent observer of sysctls: `sysctl` run in this namespace, or inside a named one.
import { execFileSync } from "node:child_process";

/** `sysctl -n NAME`, run inside the named namespace when given. */
export function sysctl(name: string, netns?: string): string {
  const [file, args] = netns === undefined ? ["sysctl", ["-n", name]] : ["ip", ["netns", "exec", netns, "sysctl", "-n", name]];
  return execFileSync(file, args, { encoding: "utf8" }).trim();
}

/** `sysctl -w NAME=VALUE` (by hand, as an admin would), in this namespace. */
export function setSysctl(name: string, value: string): void {
  execFileSync("sysctl", ["-q", "-w", `${name}=${value}`], { encoding: "utf8" });
}
