// What a change of inputs means for a Vxlan that exists: changed in place, or a new device. Pure.
//
// It follows what the kernel's vxlan_changelink does, checked on Linux 6.18:
// - in place: the local address (within its family), a multicast group (set, changed or removed, within the
//   family), the underlay device (bound, or moved to another), TTL, learning, and everything every link has;
//   peers are FDB entries, added and removed one by one, never a reason for a new device;
// - a new device: the VNI and the destination port ("Cannot change VNI", "Cannot change port": EOPNOTSUPP even
//   for the same port), the underlay family (a local or group address of the other family: "New local address
//   family does not match old"), and unbinding the underlay device — the kernel accepts IFLA_VXLAN_LINK 0 but
//   keeps the device bound (vxlan_config_apply sets the remote ifindex only for a device it finds), so the
//   device would still go when the old underlay does.
//
// What the kernel removes with another device: deleting the underlay device deletes the VXLAN device, and
// deleting a bridge takes its ports off it. When either is another resource's output and that resource is
// replaced, the engine asks this diff with the output unknown (pulumi's calculateDependentReplacements, for a
// delete-before-replace); a replacement here makes it delete this device before the underlay or bridge goes and
// create it again after, in that same `pulumi up`, on the new one. A known change moves the device in place.
import type { Properties } from "../../model/check";
import { differs, diffLink, type DiffOutcome, linkDiffOutcome, sameAddressSet } from "../../model/linkDiff";
import { containsUnknown } from "../../model/unknown";
import { DEFAULT_VXLAN_PORT, underlayFamily } from "./model";

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}

export function diffVxlan(id: string, olds: Properties, news: Properties): DiffOutcome {
  const findings = diffLink(id, olds, news);
  if (differs(news.vni, olds.vni)) findings.replaces.push("vni");
  if (differs(news.destinationPort ?? DEFAULT_VXLAN_PORT, olds.destinationPort)) findings.replaces.push("destinationPort");

  // An address still unknown (preview) may be of the other family: counted as a replacement, as the engine
  // counts any unknown that could need one.
  const familyUnknown = containsUnknown(news.local) || containsUnknown(news.group);
  const familyChanges =
    !familyUnknown && underlayFamily({ local: text(news.local), group: text(news.group) }) !== underlayFamily({ local: text(olds.local), group: text(olds.group) });
  for (const key of ["local", "group"] as const) {
    if (!differs(news[key], olds[key])) continue;
    if (familyUnknown || familyChanges) findings.replaces.push(key);
    else findings.updates.push(key);
  }

  if (containsUnknown(news.underlay) || (news.underlay === undefined && olds.underlay !== undefined)) findings.replaces.push("underlay");
  else if (differs(news.underlay, olds.underlay)) findings.updates.push("underlay");

  if (differs(news.ttl ?? 0, olds.ttl)) findings.updates.push("ttl");
  if (differs(news.learning ?? true, olds.learning)) findings.updates.push("learning");
  if (containsUnknown(news.peers) || !sameAddressSet(strings(news.peers), strings(olds.peers))) findings.updates.push("peers");
  if (containsUnknown(news.bridge)) findings.replaces.push("bridge");
  else if (differs(news.bridge, olds.bridge)) findings.updates.push("bridge");
  return linkDiffOutcome(findings);
}
