// What a change of inputs means for a NetworkdFiles resource. Pure.
//
// Other paths (directory, fileStem) are other files: replace, which writes the new ones before removing the
// old. Anything else changes the text of the files: update them in place. The comparison is on the rendered
// text, so whatever the files would say differently (the marker included) is a change, and nothing else is.
import type { DiffOutcome } from "./diff";
import { differs } from "./diff";
import { checkNetworkdFiles, DEFAULT_NETWORKD_DIRECTORY, defaultFileStem, networkdSpecOf } from "./networkdFiles";
import { renderNetworkdFiles } from "./networkdRender";
import { containsUnknown, UNKNOWN } from "./unknown";

type Properties = Record<string, unknown>;

function stemOf(news: Properties): unknown {
  if (news.fileStem !== undefined) return news.fileStem;
  if (containsUnknown(news.name)) return UNKNOWN;
  return typeof news.name === "string" ? defaultFileStem(news.name) : undefined;
}

export function diffNetworkdFiles(olds: Properties, news: Properties): DiffOutcome {
  const replaces: string[] = [];
  if (differs(news.directory ?? DEFAULT_NETWORKD_DIRECTORY, olds.directory)) replaces.push("directory");
  if (differs(stemOf(news), olds.fileStem)) replaces.push("fileStem");
  const updates: string[] = [];
  const spec = networkdSpecOf(checkNetworkdFiles({}, news));
  if (spec === undefined) {
    // Something is unknown (preview) or invalid: the text cannot be known yet, so it may change.
    updates.push("netdevContent", "networkContent");
  } else {
    const rendered = renderNetworkdFiles(spec, spec.managedBy);
    if (rendered.netdev !== olds.netdevContent) updates.push("netdevContent");
    if (rendered.network !== olds.networkContent) updates.push("networkContent");
  }
  return { changes: replaces.length > 0 || updates.length > 0, replaces, updates, deleteBeforeReplace: false };
}
