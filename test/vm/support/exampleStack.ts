// An example of this repository as a user runs it, through the real Pulumi CLI (test/cli/support/cliStack.ts):
// its config set with `pulumi config set`, then `pulumi up` and, at the end, `pulumi destroy`. The network a
// VM scenario uses is made and removed only this way.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { CliStack } from "../../cli/support/cliStack";
import { repositoryRoot } from "../../cli/support/paths";
import { describe as describeRun, type RunResult } from "../../cli/support/result";
import { resourcesOf } from "../../cli/support/stateView";

/** `examples/<example>` with this stack config (keys of the project). */
export function openExample(example: string, config: Record<string, string>, stackName?: string): Promise<CliStack> {
  return CliStack.open({ projectDirectory: join(repositoryRoot, "examples", example), config, ...(stackName === undefined ? {} : { stackName }) });
}

function summary(stack: CliStack, result: RunResult): string {
  const changes = Object.entries(result.changes)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  return `pulumi ${result.command} of ${stack.projectName}/${stack.stackName}: ${changes} in ${(result.durationMs / 1000).toFixed(1)} s`;
}

/** `pulumi up` or `pulumi destroy`, which must succeed; prints what changed and how long it took. */
export async function cliRun(t: TestContext, stack: CliStack, command: "up" | "destroy"): Promise<RunResult> {
  const result = command === "up" ? await stack.up() : await stack.destroy();
  assert.ok(result.ok, describeRun(result));
  t.diagnostic(summary(stack, result));
  return result;
}

/** After the scenario, whatever happened: destroy what the state still records, then forget the stack. */
export async function discard(stack: CliStack | undefined): Promise<void> {
  if (stack === undefined) return;
  try {
    if (resourcesOf(await stack.exportState()).length > 0) {
      const destroyed = await stack.destroy();
      assert.ok(destroyed.ok, describeRun(destroyed));
    }
  } finally {
    await stack.close();
  }
}
