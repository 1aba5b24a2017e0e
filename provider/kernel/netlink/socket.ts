// An rtnetlink socket: sequence numbers, acknowledgements, multi-part dumps and batches of requests.
//
// All calls are synchronous on the calling (main) thread. That is deliberate: a netlink socket belongs to the
// network namespace of the thread that creates it, and the kernel answers rtnetlink requests while handling
// the send, so replies are already queued when recv runs. The one wait that matters (an RCU grace period when
// a device is unregistered) happens inside send and is paid once per batch, not per device.
import { errorFromErrno, type ErrorContext, type KernelError } from "../errors";
import { libc } from "../libc";
import { errno, MSG_TRUNC, SOCK_CLOEXEC, SOCK_RAW } from "../system";
import { decodeAcknowledgement, decodeDone } from "./ack";
import { encodeMessage, type Message, parseMessages } from "./codec";
import {
  AF_NETLINK,
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
  NETLINK_ROUTE,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  SOL_NETLINK,
} from "./constants";

/** One datagram can hold a whole dump chunk (the kernel caps those at 32 KiB) with room to spare. */
const RECEIVE_BUFFER_BYTES = 1 << 20;
/**
 * Requests sent in one datagram. Each answer is its own skb charged against the receive buffer; 64 of them
 * stay well below the default rmem (212 KiB), so no acknowledgement is ever dropped.
 */
const REQUESTS_PER_DATAGRAM = 64;
const DUMP_ATTEMPTS = 5;

/** struct sockaddr_nl: nl_pid 0 (the kernel assigns our port id), no multicast groups. */
export function encodeNetlinkAddress(): Buffer {
  const address = Buffer.alloc(12);
  address.writeUInt16LE(AF_NETLINK, 0);
  return address;
}

export interface NetlinkRequest {
  type: number;
  /** Flags besides NLM_F_REQUEST and NLM_F_ACK, which every request carries. */
  flags?: number;
  payload: Buffer;
  /** Names the operation in errors. */
  context: ErrorContext;
}

export type BatchResult = { ok: true; messages: Message[] } | { ok: false; error: KernelError };

interface SendAttempt {
  result: number;
  errno: number;
}

/** The request as the kernel reads it: every request asks for an acknowledgement. */
function encodeRequest(request: NetlinkRequest, sequence: number): Buffer {
  return encodeMessage({ type: request.type, flags: NLM_F_REQUEST | NLM_F_ACK | (request.flags ?? 0), sequence, portId: 0 }, request.payload);
}

/** The error an NLMSG_ERROR message carries, with the kernel's own words; undefined for a positive acknowledgement. */
function refusal(message: Message, context: ErrorContext): KernelError | undefined {
  const ack = decodeAcknowledgement(message.payload, message.header.flags);
  if (ack.errno === 0) return undefined;
  return errorFromErrno(ack.errno, ack.kernelMessage === undefined ? context : { ...context, kernelMessage: ack.kernelMessage });
}

/**
 * The answer to one request, gathered from the messages of its sequence number: for a request, everything up to
 * its acknowledgement (NLMSG_ERROR); for a dump, everything up to NLMSG_DONE (a dump asks for no acknowledgement,
 * so an NLMSG_ERROR there is a refusal, even one that claims 0).
 */
class Answer {
  readonly messages: Message[] = [];
  error: KernelError | undefined;
  /** NLM_F_DUMP_INTR: the table changed while it was being dumped, so this copy may be inconsistent. */
  interrupted = false;

  constructor(
    readonly context: ErrorContext,
    private readonly isDump: boolean,
  ) {}

  /** Takes one message; true once the answer is complete. */
  take(message: Message): boolean {
    if ((message.header.flags & NLM_F_DUMP_INTR) !== 0) this.interrupted = true;
    if (message.header.type === NLMSG_ERROR) {
      this.error = refusal(message, this.context) ?? (this.isDump ? errorFromErrno(errno.EIO, this.context) : undefined);
      return true;
    }
    if (!this.isDump) {
      this.messages.push(message);
      return false;
    }
    if (message.header.type === NLMSG_DONE) {
      const failure = decodeDone(message.payload);
      if (failure !== 0) this.error = errorFromErrno(failure, this.context);
      return true;
    }
    if (message.header.type !== NLMSG_NOOP && message.header.type !== NLMSG_OVERRUN) this.messages.push(message);
    return false;
  }

  result(): BatchResult {
    return this.error === undefined ? { ok: true, messages: this.messages } : { ok: false, error: this.error };
  }
}

function unwrap(result: BatchResult | undefined): Message[] {
  if (result === undefined) throw new Error("netlink batch returned no result");
  if (!result.ok) throw result.error;
  return result.messages;
}

export class NetlinkSocket {
  private readonly fd: number;
  private sequence = Math.floor(Math.random() * 0x7fffffff);
  private readonly receiveBuffer = Buffer.alloc(RECEIVE_BUFFER_BYTES);
  private closed = false;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace. */
  static open(operation: string): NetlinkSocket {
    const c = libc();
    const fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) throw errorFromErrno(c.errno(), { operation, step: "socket(AF_NETLINK)" });
    const socket = new NetlinkSocket(fd);
    try {
      // Extended acks give the kernel's own words on a refusal; capped acks leave the echoed request out.
      socket.setOption(NETLINK_EXT_ACK, 1, operation);
      socket.setOption(NETLINK_CAP_ACK, 1, operation);
      const address = encodeNetlinkAddress();
      if (c.bind(fd, address, address.length) < 0) {
        throw errorFromErrno(c.errno(), { operation, step: "bind(AF_NETLINK)" });
      }
    } catch (error) {
      socket.close();
      throw error;
    }
    return socket;
  }

  /**
   * NETLINK_GET_STRICT_CHK: the kernel validates GET requests strictly and, in exchange, honours filters in
   * dump requests (such as ifa_index in RTM_GETADDR).
   */
  enableStrictChecking(operation: string): void {
    this.setOption(NETLINK_GET_STRICT_CHK, 1, operation);
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      libc().close(this.fd);
    }
  }

  /** Sends one request and waits for its acknowledgement; returns the messages that came before it. */
  request(request: NetlinkRequest): Message[] {
    return unwrap(this.batch([request])[0]);
  }

  /**
   * Sends many requests, several per datagram, and returns one result per request in order. The kernel
   * handles each independently: one refusal does not stop the others.
   */
  batch(requests: readonly NetlinkRequest[]): BatchResult[] {
    const results: BatchResult[] = [];
    for (let start = 0; start < requests.length; start += REQUESTS_PER_DATAGRAM) {
      const chunk = requests.slice(start, start + REQUESTS_PER_DATAGRAM);
      const answers = new Map(chunk.map((request) => [this.nextSequence(), new Answer(request.context, false)]));
      const sequences = [...answers.keys()];
      this.transmit(Buffer.concat(chunk.map((request, i) => encodeRequest(request, sequences[i] ?? 0))), chunk[0]?.context ?? { operation: "netlink", step: "send" });
      this.receiveAnswers(answers);
      results.push(...[...answers.values()].map((answer) => answer.result()));
    }
    return results;
  }

  /**
   * Like request, but the send runs on a worker thread. Use it on a socket nothing else uses meanwhile,
   * for a request the kernel is slow to carry out: the kernel does the work inside send and has queued its
   * answer by the time send returns.
   */
  async requestOnWorker(request: NetlinkRequest): Promise<Message[]> {
    const sequence = this.nextSequence();
    const datagram = encodeRequest(request, sequence);
    this.transmit(datagram, request.context, await libc().sendOnWorker(this.fd, datagram, datagram.length, 0));
    const answer = new Answer(request.context, false);
    this.receiveAnswers(new Map([[sequence, answer]]));
    return unwrap(answer.result());
  }

  /** Runs a dump (NLM_F_DUMP) to completion, restarting it when the kernel flags it as interrupted. */
  dump(type: number, payload: Buffer, context: ErrorContext): Message[] {
    for (let attempt = 1; ; attempt++) {
      const sequence = this.nextSequence();
      this.transmit(encodeMessage({ type, flags: NLM_F_REQUEST | NLM_F_DUMP, sequence, portId: 0 }, payload), context);
      const answer = new Answer(context, true);
      this.receiveAnswers(new Map([[sequence, answer]]));
      const messages = unwrap(answer.result());
      if (!answer.interrupted) return messages;
      if (attempt === DUMP_ATTEMPTS) {
        throw new Error(`${context.operation}: ${context.step}: the kernel kept changing during ${DUMP_ATTEMPTS} dumps`);
      }
    }
  }

  private setOption(option: number, value: number, operation: string): void {
    const encoded = Buffer.alloc(4);
    encoded.writeInt32LE(value);
    if (libc().setsockopt(this.fd, SOL_NETLINK, option, encoded, 4) < 0) {
      throw errorFromErrno(libc().errno(), { operation, step: `setsockopt(SOL_NETLINK, ${option})` });
    }
  }

  private nextSequence(): number {
    this.sequence = (this.sequence + 1) >>> 0;
    if (this.sequence === 0) this.sequence = 1;
    return this.sequence;
  }

  /**
   * The one receive loop: reads datagrams until every answer waited for is complete, handing each message to
   * the answer of its sequence number. Answers to earlier, abandoned requests are passed over.
   */
  private receiveAnswers(answers: ReadonlyMap<number, Answer>): void {
    const pending = new Map(answers);
    const context = pending.values().next().value?.context ?? { operation: "netlink", step: "recv" };
    while (pending.size > 0) {
      for (const message of this.receive(context)) {
        const answer = pending.get(message.header.sequence);
        if (answer?.take(message) === true) pending.delete(message.header.sequence);
      }
    }
  }

  /**
   * Sends one datagram, again for as long as a signal interrupts the call (nothing was sent then). `first` is
   * an attempt already made elsewhere (on a worker thread).
   */
  private transmit(datagram: Buffer, context: ErrorContext, first?: SendAttempt): void {
    for (let attempt = first ?? this.sendOnce(datagram); attempt.result < 0; attempt = this.sendOnce(datagram)) {
      if (attempt.errno !== errno.EINTR) throw errorFromErrno(attempt.errno, { ...context, step: `${context.step} (send)` });
    }
  }

  private sendOnce(datagram: Buffer): SendAttempt {
    const result = libc().send(this.fd, datagram, datagram.length, 0);
    return { result, errno: result < 0 ? libc().errno() : 0 };
  }

  private receive(context: ErrorContext): Message[] {
    for (;;) {
      const length = libc().recv(this.fd, this.receiveBuffer, this.receiveBuffer.length, MSG_TRUNC);
      if (length >= 0) {
        if (length > this.receiveBuffer.length) {
          throw new Error(`${context.operation}: a netlink reply of ${length} bytes did not fit the receive buffer`);
        }
        // Copy out: the receive buffer is reused by the next call.
        return parseMessages(Buffer.from(this.receiveBuffer.subarray(0, length)));
      }
      const failure = libc().errno();
      if (failure !== errno.EINTR) throw errorFromErrno(failure, { ...context, step: `${context.step} (recv)` });
    }
  }
}
