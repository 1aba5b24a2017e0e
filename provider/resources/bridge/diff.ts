// What a change of inputs means for a Bridge that exists. Pure.
import type { Properties } from "../../model/check";
import { differs, diffLink, type DiffOutcome, linkDiffOutcome } from "../../model/linkDiff";

/** Everything but the name and the namespace changes in place; ports are an output only. */
export function diffBridge(id: string, olds: Properties, news: Properties): DiffOutcome {
  const findings = diffLink(id, olds, news);
  if (differs(news.stp ?? false, olds.stp)) findings.updates.push("stp");
  return linkDiffOutcome(findings);
}
