// An `up` that the CLI abandons (Ctrl-C twice, a provider host killed) ends while the inline program — which
// runs in the test's own process, as Automation API inline programs do — still has resource registrations in
// flight. Each then fails inside the Pulumi SDK ("failed to register new resource …: 13 INTERNAL: Received
// RST_STREAM", "14 UNAVAILABLE", "Resource monitor is terminating"), on a promise no program can reach, and node's
// test runner reports every unhandled rejection as a failure of the file, at whatever moment the gRPC stream
// closes. Those, and only those, are counted here instead; every other rejection still reaches the runner.

const ABANDONED = /failed to register new resource .*(RST_STREAM|UNAVAILABLE|CANCELLED|Resource monitor is terminating|transport is closing|connection)/s;

export interface AbandonedRegistrations {
  /** How many registrations of an abandoned run failed after it ended. */
  count(): number;
}

/**
 * Call from a `before` hook (the runner's own listener exists by then). It stays for the rest of the file's
 * process: the last abandoned registration may fail after the file's last hook.
 */
export function countAbandonedRegistrations(): AbandonedRegistrations {
  const runnerListeners = process.listeners("unhandledRejection");
  let count = 0;
  const filter = (reason: unknown, promise: Promise<unknown>): void => {
    const message = reason instanceof Error ? reason.message : String(reason);
    if (ABANDONED.test(message)) {
      count++;
      return;
    }
    for (const listener of runnerListeners) listener.call(process, reason, promise);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", filter);
  return { count: () => count };
}
