// What a change of inputs means for a VethPair that exists. Pure.
import type { Properties } from "../../model/check";
import { differs, diffLink, type DiffOutcome, linkDiffOutcome, nameDiffers } from "../../model/linkDiff";
import { UNKNOWN } from "../../model/unknown";

/**
 * The first end as every link (a declared name its id cannot satisfy, or another netns, needs a new pair). The
 * peer's settings change in place, its name too (it is not the resource's id: the kernel renames it, as
 * `ip link set … name` would); another peer netns needs a new pair, since moving the peer would take it out of
 * the namespace whose links it is declared with. Failures name the peer's properties as "peer.mtu".
 */
export function diffVethPair(id: string, olds: Properties, news: Properties): DiffOutcome {
  const findings = diffLink(id, olds, news);
  if (differs(news.bridge, olds.bridge)) findings.updates.push("bridge");
  if (news.peer === UNKNOWN) {
    findings.replaces.push("peer");
    return linkDiffOutcome(findings);
  }
  const peerNews = propertiesOf(news.peer);
  const peerOlds = propertiesOf(olds.peer);
  // Compared with the peer's own name as its id, the peer's settings diff as any link's; its name is renamed in place.
  const peer = diffLink(String(peerOlds.name), peerOlds, { ...peerNews, name: peerOlds.name });
  if (nameDiffers(peerNews.name, peerOlds.name)) peer.updates.push("name");
  if (differs(peerNews.bridge, peerOlds.bridge)) peer.updates.push("bridge");
  findings.replaces.push(...peer.replaces.map((key) => `peer.${key}`));
  findings.updates.push(...peer.updates.map((key) => `peer.${key}`));
  return linkDiffOutcome(findings);
}

function propertiesOf(value: unknown): Properties {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Properties) : {};
}
