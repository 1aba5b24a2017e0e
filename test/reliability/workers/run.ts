// Starting providerCall.js under a given wrapper (setpriv, unshare …) and reading its outcome.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export type Outcome = { ok: true; result: unknown } | { ok: false; name: string; message: string };

export function callProvider(wrapper: string[], call: { resource: "TapInterface" | "Bridge" | "NetworkNamespace"; method: string; args: unknown[] }): Outcome {
  const worker = join(__dirname, "providerCall.js");
  const [command, ...wrapperArgs] = [...wrapper, process.execPath, worker, JSON.stringify(call)];
  const child = spawnSync(command ?? process.execPath, wrapperArgs, { encoding: "utf8" });
  if (child.status !== 0 || child.stdout === "") {
    throw new Error(`worker failed (status ${child.status}): ${child.stderr}`);
  }
  return JSON.parse(child.stdout) as Outcome;
}

/** Runs as `nobody` with no capabilities and no user namespace: what an ordinary user gets. */
export const asOrdinaryUser = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"];

/** Runs in a mount namespace where /dev/net holds no tun node, as on a host without the tun module. */
export const withoutTunDevice = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", 'mount -t tmpfs none /dev/net && exec "$0" "$@"'];
