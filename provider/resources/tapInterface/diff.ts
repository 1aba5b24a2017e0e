// What a change of inputs means for a TapInterface that exists. Pure.
import type { Properties } from "../../model/check";
import { differs, diffLink, type DiffOutcome, linkDiffOutcome } from "../../model/linkDiff";
import { containsUnknown } from "../../model/unknown";

/** Owner and group as the resource layer resolved them on this host (names → ids). */
export interface ResolvedPrincipals {
  owner?: number;
  group?: number;
}

/**
 * Mode and queue type need a new device. packetInfo and vnetHdr are not compared: they are the flags the device
 * starts with, and the process that opens it (QEMU, Firecracker, a VPN daemon) sets its own, which the kernel
 * keeps. Treating that as drift would mean fighting the VMM; the outputs report what the device has now.
 */
export function diffTapInterface(id: string, olds: Properties, news: Properties, resolved: ResolvedPrincipals): DiffOutcome {
  const findings = diffLink(id, olds, news);
  if (differs(news.mode ?? "tap", olds.mode)) findings.replaces.push("mode");
  if (differs(news.multiQueue ?? false, olds.multiQueue ?? false)) findings.replaces.push("multiQueue");
  for (const key of ["owner", "group"] as const) {
    if (news[key] === undefined) continue;
    if (containsUnknown(news[key]) || resolved[key] !== olds[key]) findings.updates.push(key);
  }
  if (differs(news.promiscuous ?? false, olds.promiscuous)) findings.updates.push("promiscuous");
  if (differs(news.bridge, olds.bridge)) findings.updates.push("bridge");
  return linkDiffOutcome(findings);
}
