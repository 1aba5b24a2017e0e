// The C library's and the kernel's numbers, from one place: errno values from Node's os.constants, open(2)
// flags from fs.constants, and the few Node does not list, as Linux defines them for every architecture Node
// runs on (include/uapi/asm-generic/fcntl.h, include/linux/socket.h, include/uapi/linux/sched.h).
import { constants as fileConstants } from "node:fs";
import { constants as osConstants } from "node:os";

/**
 * Node's errno values, and ERESTART (include/uapi/asm-generic/errno.h), which Node does not list: the kernel keeps
 * it to itself but for nfnetlink, which answers a batch computed against a stale ruleset generation with it.
 */
export const errno = { ...osConstants.errno, ERESTART: 85 };

export const O_RDONLY = fileConstants.O_RDONLY;
export const O_RDWR = fileConstants.O_RDWR;
export const O_NONBLOCK = fileConstants.O_NONBLOCK;
/** Closes the descriptor in any program this process executes. */
export const O_CLOEXEC = 0o2000000;

export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = O_CLOEXEC;
/** recv(2): return the datagram's real length even when it did not fit the buffer. */
export const MSG_TRUNC = 0x20;
/** recv(2): return at once (EAGAIN) when nothing is queued. */
export const MSG_DONTWAIT = 0x40;

/** setns(2): the descriptor names a network namespace. */
export const CLONE_NEWNET = 0x40000000;
