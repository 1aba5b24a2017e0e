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
import { read, writeSync } from "node:fs";
import { isIP } from "node:net";
import { parseArgs } from "node:util";
import { closeTunQueue, openTunQueue } from "pulumi-tuntap/kernel";

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

function main(): void {
  const { values } = parseArgs({ options: { tun: { type: "string" }, local: { type: "string" }, peer: { type: "string" } } });
  if (values.tun === undefined || values.local === undefined || values.peer === undefined) {
    throw new Error("usage: tunnel --tun NAME --local ADDRESS:PORT --peer ADDRESS:PORT");
  }
  const tun = values.tun;
  const local = parseEndpoint(values.local, "local");
  const peer = parseEndpoint(values.peer, "peer");
  // As OpenVPN and VTun open it: a tun, one queue, no packet-information header.
  const fd = openTunQueue(tun, { mode: "tun", multiQueue: false, packetInfo: false, vnetHdr: false }, `attach to ${tun}`);
  const socket = createSocket({ type: isIP(local.host) === 6 ? "udp6" : "udp4" });
  const counts = { toPeer: 0, fromPeer: 0, dropped: 0 };

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

  // A blocking read on the tun runs on libuv's thread pool, one at a time: each read returns one packet.
  const readFromTun = () => {
    const buffer = Buffer.allocUnsafe(65535);
    read(fd, buffer, 0, buffer.length, null, (error, length) => {
      if (error) {
        console.error(`tunnel: reading ${tun} failed: ${error.message}`);
        stop(1);
        return;
      }
      socket.send(buffer.subarray(0, length), peer.port, peer.host);
      counts.toPeer++;
      readFromTun();
    });
  };

  const stop = (status: number) => {
    console.log(`tunnel down: ${counts.toPeer} packets to the peer, ${counts.fromPeer} from it, ${counts.dropped} dropped`);
    socket.close();
    closeTunQueue(fd);
    process.exit(status);
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
    readFromTun();
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
