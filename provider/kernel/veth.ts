// Making a veth pair: one RTM_NEWLINK makes both ends, the peer possibly in another named network namespace
// (given to the kernel as an open descriptor of /run/netns/NAME, as `ip link add … peer netns NAME` does).
import { closeSync, openSync } from "node:fs";
import { type ErrorContext, errorFromErrno, NoSuchNamespaceError } from "./errors";
import type { Message } from "./netlink/codec";
import { NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, RTM_NEWLINK } from "./netlink/constants";
import { decodeLink, type Link } from "./netlink/link";
import { newVethPayload } from "./netlink/veth";
import { namespacePath } from "./netns";
import type { RouteNetlink } from "./rtnetlink";
import { errno } from "./system";

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
  return withNamespaceFd(request.peer.netns, context.operation, (namespaceFd) => {
    const peer = namespaceFd === undefined ? { name: request.peer.name } : { name: request.peer.name, namespaceFd };
    const [result] = netlink.batch([
      {
        type: RTM_NEWLINK,
        flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
        payload: newVethPayload({ name: request.name, peer }),
        context: { ...context, step, device: request.name },
      },
    ]);
    if (result === undefined) throw new Error(`${context.operation}: ${step}: no answer`);
    if (!result.ok) throw result.error;
    // Only the first end is echoed (the kernel configures the peer without the request's header).
    const echoed = result.messages.flatMap(decodeLinkMessage).find((link) => link.kind === "veth" && link.name !== request.peer.name);
    const created = echoed ?? netlink.getLink(request.name, context.operation);
    if (created === undefined) throw new Error(`${context.operation}: ${step}: the kernel did not say which link it created`);
    return created;
  });
}

function decodeLinkMessage(message: Message): Link[] {
  return message.header.type === RTM_NEWLINK ? [decodeLink(message.payload)] : [];
}

/** Runs `work` with a descriptor of the named namespace open (none for undefined), closed afterwards. */
function withNamespaceFd<T>(netns: string | undefined, operation: string, work: (fd: number | undefined) => T): T {
  if (netns === undefined) return work(undefined);
  const path = namespacePath(netns);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const number = code === undefined ? errno.EIO : (errno as Record<string, number>)[code] ?? errno.EIO;
    if (number === errno.ENOENT) {
      throw new NoSuchNamespaceError({
        operation,
        step: `open ${path}`,
        errno: number,
        remedy: `Network namespace "${netns}" does not exist: create it first (\`ip netns add ${netns}\`, or a NetworkNamespace resource).`,
      });
    }
    throw errorFromErrno(number, { operation, step: `open ${path}` });
  }
  try {
    return work(fd);
  } finally {
    closeSync(fd);
  }
}
