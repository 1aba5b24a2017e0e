// What a scenario prints about its guests (the command line, boot and verdict times, round trips, the
// guest's own console lines with their times) and what it asserts about their verdicts.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import type { GuestReport, RunningGuest } from "./guest";
import { GUEST_PREFIX } from "./verdict";

export function describeReport(t: TestContext, guest: RunningGuest, report: GuestReport): void {
  const pings = report.verdict.reached.map((reached) => `${reached.address} ${reached.rttMs} ms`).join(", ");
  t.diagnostic(`${report.name}: $ ${guest.command}`);
  t.diagnostic(
    `${report.name}: init running after ${(report.bootMs / 1000).toFixed(1)} s, network up after ${(report.upMs / 1000).toFixed(1)} s, ` +
      `verdict after ${(report.verdictMs / 1000).toFixed(1)} s; round trips: ${pings || "none"}`,
  );
  for (const line of guest.console.lines.filter((candidate) => candidate.text.startsWith(GUEST_PREFIX))) {
    t.diagnostic(`  [${(line.atMs / 1000).toFixed(1).padStart(5)} s] ${line.text}`);
  }
}

/** Waits for every guest's verdict and prints each. */
export async function reportsOf(t: TestContext, guests: readonly RunningGuest[]): Promise<GuestReport[]> {
  const reports = await Promise.all(guests.map((guest) => guest.report()));
  for (const [index, report] of reports.entries()) describeReport(t, guests[index]!, report);
  return reports;
}

export function assertPassed(report: GuestReport, reached: readonly string[], unreachable: readonly string[] = []): void {
  assert.ok(report.verdict.pass, `${report.name} passed its checks: ${report.verdict.line}`);
  assert.deepEqual(report.verdict.reached.map((entry) => entry.address).sort(), [...reached].sort(), `${report.name} reached exactly these`);
  assert.deepEqual([...report.verdict.unreachable].sort(), [...unreachable].sort(), `${report.name} could not reach these`);
}

/** Stops every guest, whatever happened. */
export async function stopAll(guests: readonly RunningGuest[]): Promise<void> {
  await Promise.all(guests.map((guest) => guest.stop()));
}
