// Waiting for something the kernel or a daemon does on its own time. Tests must pass on a loaded machine, so
// a wait polls for the condition and its limit is there only to end a wait for what will never happen: far
// beyond what the work takes even with other jobs on every CPU, never a measure of speed.

/** The longest any wait here lasts before the test fails. */
export const WAIT_LIMIT_MS = 120_000;

function pause(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/** Polls `attempt` until it returns a value (not undefined), blocking this thread between polls. */
export function pollSync<T>(attempt: () => T | undefined, what: string, pollMs = 10): T {
  const giveUp = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = attempt();
    if (value !== undefined) return value;
    if (Date.now() > giveUp) throw new Error(`${what} did not happen within ${WAIT_LIMIT_MS / 1000} s`);
    pause(pollMs);
  }
}

/** Polls `condition` until it holds, letting the event loop run between polls; `explain` adds to the failure. */
export async function waitFor(condition: () => boolean, what: string, explain: () => string = () => "", pollMs = 100): Promise<void> {
  const giveUp = Date.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`${what} did not happen within ${WAIT_LIMIT_MS / 1000} s. ${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
