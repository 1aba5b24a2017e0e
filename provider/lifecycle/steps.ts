// Changes as a list of small steps that each know how to undo themselves, so that a failure halfway through
// an update or an adoption puts the device back as it was.

export interface Step {
  /** What the step does, for error messages ("set mtu 9000"). */
  description: string;
  apply(): void;
  /** Puts back what apply changed; absent when there is nothing to put back. */
  undo?(): void;
}

/**
 * Applies the steps in order. When one fails, undoes the applied ones in reverse and rethrows the failure,
 * its message extended with what was rolled back and with anything that could not be.
 */
export function applyWithRollback(steps: readonly Step[]): void {
  const applied: Step[] = [];
  for (const step of steps) {
    try {
      step.apply();
    } catch (error) {
      throw withRollbackReport(error, rollBack(applied));
    }
    applied.push(step);
  }
}

interface RollbackReport {
  undone: string[];
  failed: { description: string; error: unknown }[];
}

function rollBack(applied: readonly Step[]): RollbackReport {
  const report: RollbackReport = { undone: [], failed: [] };
  for (const step of [...applied].reverse()) {
    if (step.undo === undefined) continue;
    try {
      step.undo();
      report.undone.push(step.description);
    } catch (error) {
      report.failed.push({ description: step.description, error });
    }
  }
  return report;
}

function withRollbackReport(error: unknown, report: RollbackReport): unknown {
  if (!(error instanceof Error)) return error;
  if (report.undone.length > 0) error.message += ` Rolled back: ${report.undone.join(", ")}.`;
  if (report.failed.length > 0) {
    error.message += ` Could not roll back: ${report.failed
      .map(({ description, error: cause }) => `${description} (${cause instanceof Error ? cause.message : String(cause)})`)
      .join("; ")}.`;
  }
  return error;
}
