// The Route diff. Pure.
//
// What the kernel can change in place is what NLM_F_REPLACE changes at the same key: gateway, device, source
// and scope. The key itself (destination, so the family; table; metric) and the namespace need a new route. The
// new route's key differs from the old one's, so it is made before the old one goes: traffic is never left
// without a route meanwhile.
import type { Properties } from "../../model/check";
import { differs, type DiffOutcome } from "../../model/linkDiff";
import { containsUnknown } from "../../model/unknown";

const REPLACED_BY = ["destination", "table", "metric", "netns"] as const;

/** "default" before its family is known (a gateway not known yet) is either family's default route. */
function sameDestination(next: unknown, previous: unknown): boolean {
  if (next === "default") return previous === "0.0.0.0/0" || previous === "::/0";
  return !differs(next, previous);
}

export function diffRoute(olds: Properties, news: Properties): DiffOutcome {
  const replaces: string[] = REPLACED_BY.filter((key) => {
    if (key === "destination") return !sameDestination(news.destination, olds.destination);
    // A metric not known yet during a preview (a family still unknown) is compared once it is.
    if (key === "metric" && news.metric === undefined) return false;
    return differs(news[key], olds[key]);
  });
  const updates: string[] = [];
  for (const key of ["gateway", "source", "scope"]) if (differs(news[key], olds[key]) && !(news[key] === undefined && key === "scope")) updates.push(key);
  // Without a declared device, the kernel picks the one the gateway is reached through: not a change.
  if (news.device !== undefined && (containsUnknown(news.device) || news.device !== olds.device)) updates.push("device");
  return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
}
