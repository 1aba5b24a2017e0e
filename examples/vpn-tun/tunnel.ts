// A point-to-point VPN tunnel in the OpenVPN/VTun style, for the tun this example makes: it attaches to the
// tun by name (as the tun's unprivileged owner: no root, no CAP_NET_ADMIN), sends every IP packet the host
// routes into the tun to its peer as one UDP datagram, and writes every datagram from that peer into the tun.
//
// NO ENCRYPTION AND NO AUTHENTICATION: packets cross the underlay in plain text, and datagrams are accepted
// from the configured peer's address and port only, which anyone on the path can forge. It shows the data
// path of a VPN daemon on a pre-made tun; for anything real use WireGuard or OpenVPN.
//
//   node tunnel.js --tun tun0 --local 192.0.2.1:1194 --peer 192.0.2.2:1194
//
// It prints "tunnel up: …" once it carries packets, and stops on SIGINT or SIGTERM.
import { createSocket, type RemoteInfo } from "node:dgram";
import { closeSync, readSync, writeSync } from "node:fs";
import { isIP } from "node:net";
import { parseArgs } from "node:util";
import type * as Koffi from "koffi" with { "resolution-mode": "import" };
import { closeTunQueue, openTunQueue } from "pulumi-tuntap/kernel";

// koffi's CommonJS build, typed with its declarations (as pulumi-tuntap's kernel layer loads it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const koffi: typeof Koffi = require("koffi");

export interface Endpoint {
  host: string;
  port: number;
}

/** "192.0.2.1:1194" or "[2001:db8::1]:1194". */
export function parseEndpoint(text: string, option: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):([0-9]{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2] ?? "";
  const port = Number(match?.[3]);
  if (isIP(host) === 0 || !(port >= 1 && port <= 65535)) {
    throw new Error(`--${option} must be an IP address and UDP port, like 192.0.2.1:1194 or [2001:db8::1]:1194; got "${text}"`);
  }
  return { host, port };
}

/** The first nibble of an IP packet: what a tun without packet information carries. */
function isIpPacket(packet: Buffer): boolean {
  const version = (packet[0] ?? 0) >> 4;
  return version === 4 || version === 6;
}

const POLLIN = 0x1;
/** POLLERR | POLLHUP | POLLNVAL: the device went away; the next read says why. */
const POLL_FAILURE = 0x8 | 0x10 | 0x20;
const EFD_CLOEXEC = 0x80000;

/**
 * Waits, off the event loop, until the tun has packets to read or `wake` is called. Node cannot watch a
 * character device, and a blocking read on its thread pool would hold the process at exit until the next
 * packet: so poll(2) runs through koffi on a worker thread, over the tun and an eventfd that `wake` writes.
 */
function tunWatcher(tunFd: number) {
  const libc = koffi.load("libc.so.6");
  const poll = libc.func("int poll(void *fds, unsigned long count, int timeout)");
  const eventfd = libc.func("int eventfd(unsigned int initial, int flags)");
  const wakeFd: number = eventfd(0, EFD_CLOEXEC);
  if (wakeFd < 0) throw new Error("eventfd failed");
  const fds = Buffer.alloc(16); // two struct pollfd { int fd; short events; short revents; }
  fds.writeInt32LE(tunFd, 0);
  fds.writeInt16LE(POLLIN, 4);
  fds.writeInt32LE(wakeFd, 8);
  fds.writeInt16LE(POLLIN, 12);
  const watcher = {
    /** A poll is in flight: `wake` ends it. */
    waiting: false,
    /** Calls back once the tun is readable (or has failed: then reading says why), or after `wake`. */
    wait(then: (readable: boolean) => void): void {
      fds.writeInt16LE(0, 6);
      fds.writeInt16LE(0, 14);
      watcher.waiting = true;
      poll.async(fds, 2, -1, (error: unknown) => {
        watcher.waiting = false;
        if (error !== null && error !== undefined) throw error;
        then((fds.readInt16LE(6) & (POLLIN | POLL_FAILURE)) !== 0);
      });
    },
    wake(): void {
      writeSync(wakeFd, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
    },
    close(): void {
      closeSync(wakeFd);
    },
  };
  return watcher;
}

function main(): void {
  const { values } = parseArgs({ options: { tun: { type: "string" }, local: { type: "string" }, peer: { type: "string" } } });
  if (values.tun === undefined || values.local === undefined || values.peer === undefined) {
    throw new Error("usage: tunnel --tun NAME --local ADDRESS:PORT --peer ADDRESS:PORT");
  }
  const tun = values.tun;
  const local = parseEndpoint(values.local, "local");
  const peer = parseEndpoint(values.peer, "peer");
  // As OpenVPN and VTun open it: a tun, one queue, no packet-information header; non-blocking, read when poll says.
  const fd = openTunQueue(tun, { mode: "tun", multiQueue: false, packetInfo: false, vnetHdr: false }, `attach to ${tun}`, { nonBlocking: true });
  const watcher = tunWatcher(fd);
  const socket = createSocket({ type: isIP(local.host) === 6 ? "udp6" : "udp4" });
  const counts = { toPeer: 0, fromPeer: 0, dropped: 0 };
  let stopping: number | undefined;

  const fromPeer = (packet: Buffer, sender: RemoteInfo) => {
    if (sender.address !== peer.host || sender.port !== peer.port || !isIpPacket(packet)) {
      counts.dropped++;
      return;
    }
    try {
      writeSync(fd, packet);
      counts.fromPeer++;
    } catch {
      counts.dropped++; // e.g. the tun is down: the kernel refuses the packet, as it would drop it on a wire
    }
  };

  // Each read returns one packet; read them all, then wait again.
  const buffer = Buffer.alloc(65535);
  const forwardFromTun = (readable: boolean) => {
    if (stopping !== undefined) return finish(stopping);
    while (readable) {
      let length: number;
      try {
        length = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") break;
        console.error(`tunnel: reading ${tun} failed: ${(error as Error).message}`);
        return finish(1);
      }
      socket.send(Buffer.from(buffer.subarray(0, length)), peer.port, peer.host);
      counts.toPeer++;
    }
    watcher.wait(forwardFromTun);
  };

  const finish = (status: number) => {
    console.log(`tunnel down: ${counts.toPeer} packets to the peer, ${counts.fromPeer} from it, ${counts.dropped} dropped`);
    socket.close();
    watcher.close();
    closeTunQueue(fd);
    process.exit(status);
  };
  // A poll in flight returns at once and its callback finishes; there is none before the socket is bound.
  const stop = (status: number) => {
    if (stopping !== undefined) return;
    stopping = status;
    if (watcher.waiting) watcher.wake();
    else finish(status);
  };
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));

  socket.on("message", fromPeer);
  socket.on("error", (error) => {
    console.error(`tunnel: UDP socket: ${error.message}`);
    stop(1);
  });
  socket.bind(local.port, local.host, () => {
    console.log(`tunnel up: ${tun} <-> udp ${values.local} <-> ${values.peer} (uid ${process.getuid?.()})`);
    watcher.wait(forwardFromTun);
  });
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`tunnel: ${(error as Error).message}`);
    process.exit(1);
  }
}
