// What a change of inputs means for a NetworkdFiles resource. Pure.
//
// Other paths (directory, fileStem) are other files: replace, which writes the new ones before removing the
// old. The same directory under another spelling (a symbolic link to it) is the same place: the caller says
// which directories are the same place, as only it may look at the file system. Anything else changes the text
// of the files: update them in place. The comparison is on the rendered text, so whatever the files would say
// differently (the marker included) is a change, and nothing else is.
import type { Properties } from "../../model/check";
import { differs, type DiffOutcome } from "../../model/linkDiff";
import { checkNetworkdFiles, DEFAULT_NETWORKD_DIRECTORY, defaultFileStem, networkdSpecOf } from "./model";
import { renderNetworkdFiles } from "./render";
import { containsUnknown, UNKNOWN } from "../../model/unknown";

function stemOf(news: Properties): unknown {
  if (news.fileStem !== undefined) return news.fileStem;
  if (containsUnknown(news.name)) return UNKNOWN;
  return typeof news.name === "string" ? defaultFileStem(news.name) : undefined;
}

/** Whether two directories are one place (the same directory, or a link to it). */
export type SamePlace = (a: string, b: string) => boolean;

export function diffNetworkdFiles(olds: Properties, news: Properties, samePlace: SamePlace = (a, b) => a === b): DiffOutcome {
  const replaces: string[] = [];
  const updates: string[] = [];
  const directory = news.directory ?? DEFAULT_NETWORKD_DIRECTORY;
  const sameDirectory = typeof directory === "string" && typeof olds.directory === "string" && samePlace(directory, olds.directory);
  if (differs(directory, olds.directory)) (sameDirectory ? updates : replaces).push("directory");
  const sameStem = !differs(stemOf(news), olds.fileStem);
  if (!sameStem) replaces.push("fileStem");
  const spec = networkdSpecOf(checkNetworkdFiles({}, news));
  if (spec === undefined) {
    // Something is unknown (preview) or invalid: the text cannot be known yet, so it may change.
    updates.push("netdevContent", "networkContent");
  } else {
    const rendered = renderNetworkdFiles(spec, spec.managedBy);
    if (rendered.netdev !== olds.netdevContent) updates.push("netdevContent");
    if (rendered.network !== olds.networkContent) updates.push("networkContent");
  }
  // A replacement that would write the very same files (one forced by replaceOnChanges, say) must remove the
  // old ones first: otherwise removing the old resource's files would remove the new one's.
  const changes = replaces.length > 0 || updates.length > 0;
  return { changes, replaces, deleteBeforeReplace: changes && sameDirectory && sameStem };
}
