// Killing the dynamic-provider host in the middle of an `up`, at a moment that matters: while a Create is
// under way, its device already in the kernel and persistent but not yet recorded by the engine. The kernel
// announces each step of a Create (the new link, its MTU, its addresses, up); on hearing one for our devices
// the host is frozen at once (SIGSTOP), the engine's state and the kernel are compared, and the host is killed
// (SIGKILL) if a persistent device of ours is unrecorded, or let go (SIGCONT) to try again on a later
// announcement. Depending on the step it is frozen at, the device is left fully or only partly configured. A stopped process does
// nothing, so this is a SIGKILL at that moment. Works whichever engine runs the stack: the host is found in /proc.
import type { RunResult } from "../cli/support/result";
import type { CliStack } from "../cli/support/cliStack";
import { devicesOf } from "../cli/support/stateView";
import type { IpLink } from "../support/ip";
import { providerHostProcesses, signalAll } from "./hostProcess";
import type { KernelMonitor } from "./kernelWatch";
import { linksAsync } from "./kernelWatch";

export interface KilledUp {
  result: RunResult;
  /** Whether the host was killed; false when the up finished before a device was caught. */
  killed: boolean;
  /** Device names the state recorded when the host died. */
  recorded: Set<string>;
  /** Our devices in the kernel after the failed up. */
  kernel: IpLink[];
  /** How many times the host was frozen to look. */
  freezes: number;
}

export interface KillOptions {
  /** A running `ip monitor`. */
  monitor: KernelMonitor;
  /** Our devices among all links. */
  ours: (links: readonly IpLink[]) => IpLink[];
  /** Whether a device name may be one of ours. */
  isOurName: (name: string) => boolean;
  /** Not before this many of our devices exist: the kill comes in the middle of the up. */
  atLeastMade: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Recorded device names, once the engine has digested everything the frozen host had sent: the same in
 * SETTLED_READS reads in a row, the event loop free to take in the host's last answers between them (a busy
 * machine may hold this process back for a while between two reads, never across all of them).
 */
async function settledRecord(stack: CliStack): Promise<Set<string>> {
  const SETTLED_READS = 4;
  let previous: string | undefined;
  let same = 0;
  for (;;) {
    const names = devicesOf(await stack.exportState())
      .map((device) => device.name)
      .sort()
      .join(" ");
    same = names === previous ? same + 1 : 1;
    if (same === SETTLED_READS) return new Set(names === "" ? [] : names.split(" "));
    previous = names;
    await delay(50);
  }
}

export async function upKilledMidway(stack: CliStack, options: KillOptions): Promise<KilledUp> {
  let finished = false;
  const up = stack.up().finally(() => {
    finished = true;
  });
  let freezes = 0;
  let recorded: Set<string> | undefined;

  // Wait for the host and for enough devices.
  let host: number[] = [];
  while (!finished) {
    host = providerHostProcesses();
    if (host.length > 0 && options.ours(await linksAsync()).length >= options.atLeastMade) break;
    await delay(5);
  }

  // Freeze on the next address announcement of ours, synchronously in the monitor's callback.
  let armed = true;
  let frozen: () => void = () => undefined;
  const unsubscribe = options.monitor.subscribe((event) => {
    if (!armed || event.deleted || !options.isOurName(event.name)) return;
    armed = false;
    signalAll(host, "SIGSTOP");
    frozen();
  });
  try {
    while (!finished && recorded === undefined) {
      const heard = await Promise.race([new Promise<boolean>((resolve) => (frozen = () => resolve(true))), up.then(() => false)]);
      if (!heard) break;
      freezes++;
      const record = await settledRecord(stack);
      const caught = options.ours(await linksAsync()).filter((link) => !record.has(link.ifname) && link.linkinfo?.info_data?.persist === true);
      if (caught.length > 0) {
        signalAll(host, "SIGKILL");
        recorded = record;
      } else {
        armed = true;
        signalAll(host, "SIGCONT");
      }
    }
  } finally {
    unsubscribe();
  }
  const result = await up;
  return { result, killed: recorded !== undefined, recorded: recorded ?? new Set(), kernel: options.ours(await linksAsync()), freezes };
}
