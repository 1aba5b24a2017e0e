// The host's own systemd-networkd, run inside a test file's private network and mount namespaces, as in a
// container: /run/systemd a private tmpfs (files go to /run/systemd/network, which networkd reads),
// /etc/systemd/network and the vendor directories hidden behind empty tmpfs mounts, /sys mounted read-only for
// this namespace (networkd then does not wait for udev), and a 0666 /dev/net/tun node (the mode udev gives it on
// ordinary hosts; networkd drops root and opens it as systemd-network).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { insidePrivateNamespace } from "./privateNetns";

export const NETWORKD = "/usr/lib/systemd/systemd-networkd";
export const RUNTIME_DIRECTORY = "/run/systemd/network";

type Properties = Record<string, unknown>;

/** Outputs as a program sees them: an unset one, recorded as null, is undefined. */
export function asProgramSees(outs: Properties): Properties {
  return Object.fromEntries(Object.entries(outs).map(([key, value]) => [key, value ?? undefined]));
}

/** The same mapping the NetworkdFiles class makes from a Bridge's outputs. */
export function fromBridge(outs: Properties): Properties {
  const { name, mtu, macAddress, addresses, stp, up, description } = asProgramSees(outs);
  return { kind: "bridge", name, mtu, macAddress: macAddress === "" ? undefined : macAddress, addresses, stp, up, description };
}

export function run(command: string, ...args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return result.status === 0 ? undefined : `${command} ${args.join(" ")}: ${(result.stderr || result.error?.message || "").trim()}`;
}

/** Prepares this mount namespace for networkd; returns why it cannot, or undefined. */
export function prepareNetworkdSandbox(): string | undefined {
  if (!insidePrivateNamespace) return "not inside the private namespace";
  if (!existsSync(NETWORKD)) return `${NETWORKD} is not installed`;
  const steps: string[][] = [["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run/systemd"]];
  for (const directory of ["/etc/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network", "/usr/local/lib/systemd/network"]) {
    if (existsSync(directory)) steps.push(["mount", "-t", "tmpfs", "tmpfs", directory]);
  }
  steps.push(["mount", "-t", "sysfs", "-o", "ro", "sysfs", "/sys"]);
  for (const step of steps) {
    const problem = run(step[0] ?? "", ...step.slice(1));
    if (problem !== undefined) return problem;
  }
  mkdirSync(RUNTIME_DIRECTORY, { recursive: true });
  mkdirSync("/run/systemd/netif", { recursive: true });
  run("chown", "systemd-network:systemd-network", "/run/systemd/netif");
  mkdirSync("/run/systemd/tun-node", { recursive: true });
  return (
    run("mknod", "-m", "0666", "/run/systemd/tun-node/tun", "c", "10", "200") ?? run("mount", "--bind", "/run/systemd/tun-node/tun", "/dev/net/tun")
  );
}
