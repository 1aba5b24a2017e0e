// Making a veth pair: one RTM_NEWLINK makes both ends, the peer possibly in another named network namespace
// (given to the kernel as an open descriptor of /run/netns/NAME, as `ip link add … peer netns NAME` does).
import type { ErrorContext } from "./errors";
import { libc } from "./libc";
import type { Link } from "./netlink/link";
import { newVethPayload } from "./netlink/veth";
import { openNamespace } from "./netns";
import type { RouteNetlink } from "./rtnetlink";

export interface NewVethPair {
  name: string;
  peer: { name: string; netns?: string };
}

/**
 * Creates the pair with NLM_F_EXCL (a taken name of either end is a DeviceExistsError) and returns the first
 * end as the kernel echoes it back, which also tells the name it chose for a template.
 */
export function createVethPair(netlink: RouteNetlink, request: NewVethPair, context: ErrorContext): Link {
  const where = request.peer.netns === undefined ? "" : ` netns ${request.peer.netns}`;
  const step = `RTM_NEWLINK ${request.name} type veth peer ${request.peer.name}${where}`;
  const namespaceFd = request.peer.netns === undefined ? undefined : openNamespace(request.peer.netns, context.operation);
  try {
    const peer = namespaceFd === undefined ? { name: request.peer.name } : { name: request.peer.name, namespaceFd };
    return netlink.createLink(request.name, newVethPayload({ name: request.name, peer }), { ...context, step });
  } finally {
    if (namespaceFd !== undefined) libc().close(namespaceFd);
  }
}
