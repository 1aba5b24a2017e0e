// The bridge a link is to be a port of, looked up before anything changes; and whether it still is one.
import type { Link, RouteNetlink } from "../kernel";
import { containsUnknown } from "../model/unknown";
import { InvalidInputsError } from "../lifecycle/errors";
import { describeDevice } from "./devices";
import { bridgeIndexOf } from "./settings";

/**
 * The ifindex of the bridge named in `property` ("bridge", "peer.bridge"), in the namespace the port is in (a
 * port can only join a bridge of its own namespace, which `explainNamespace` says when the bridge is not found
 * there), or an InvalidInputsError in one sentence saying why not.
 */
export function bridgeIndex(netlink: RouteNetlink, name: string, operation: string, property = "bridge", explainNamespace = false): number {
  const bridge = netlink.getLink(name, operation);
  const where = netlink.netns === undefined ? "" : ` in network namespace ${netlink.netns}`;
  if (bridge === undefined) {
    const sameNamespace = explainNamespace ? " (a port joins a bridge of its own namespace: the bridge must be where this end is)" : "";
    throw new InvalidInputsError(operation, [
      { property, reason: `no bridge named ${name} exists${where}${sameNamespace}; create it first (a Bridge resource) and pass its name output` },
    ]);
  }
  if (bridge.kind !== "bridge") {
    throw new InvalidInputsError(operation, [
      { property, reason: `${name} is ${describeDevice(bridge)}, not a bridge; name a bridge (a Bridge resource's name output)` },
    ]);
  }
  return bridge.index;
}

/**
 * Whether a link is no longer a port of the bridge its inputs name (a known name): the kernel drops every port
 * of a bridge it deletes, so a bridge replaced in the same run leaves its ports outside it.
 */
export function portDropped(netlink: RouteNetlink, link: Link, declared: unknown, operation: string): boolean {
  if (typeof declared !== "string" || containsUnknown(declared)) return false;
  const master = bridgeIndexOf(link);
  return master === 0 || netlink.getLinkByIndex(master, operation)?.name !== declared;
}
