// Real packets between namespaces, observed from outside our code: `ping` from one namespace, `tcpdump` in another
// (Debian's iputils-ping and tcpdump).
import { spawn, spawnSync } from "node:child_process";
import { ip } from "./ip";

/** The documentation addresses (RFC 5737) of "the outside" and of the host's uplink facing it. */
export const OUTSIDE = "203.0.113.1";
export const UPLINK = "203.0.113.2";

/**
 * "The outside": a namespace `netns` holding OUTSIDE on its device "world", joined to this namespace by a veth whose
 * end here, `uplink`, holds UPLINK and carries this namespace's default route. It has no route back to any lab.
 */
export function makeOutside(netns: string, uplink: string): void {
  ip("netns", "add", netns);
  ip("link", "add", uplink, "type", "veth", "peer", "name", "world", "netns", netns);
  ip("address", "add", `${UPLINK}/24`, "dev", uplink);
  ip("link", "set", uplink, "up");
  ip("route", "add", "default", "via", OUTSIDE);
  ip("-n", netns, "address", "add", `${OUTSIDE}/24`, "dev", "world");
  ip("-n", netns, "link", "set", "world", "up");
}

/**
 * One ping from inside `netns` to `target`: true when answered, false when not (ping's status 1); anything else
 * (no ping installed, a bad address) throws rather than pass for an unanswered ping. `seconds`: how long to wait.
 */
export function ping(netns: string, version: 4 | 6, target: string, seconds: number): boolean {
  const result = spawnSync("ip", ["netns", "exec", netns, "ping", `-${version}`, "-c", "1", "-W", String(seconds), target], { encoding: "utf8" });
  if (result.status === 0 || result.status === 1) return result.status === 0;
  throw new Error(`ping could not run (status ${result.status}): ${result.stderr}${result.error?.message ?? ""}`);
}

/**
 * tcpdump inside `netns` on `device`, listening (resolved once it says so) for one ICMP echo request; `printed`
 * resolves with the line it printed for it.
 */
export async function captureEchoRequest(netns: string, device: string, version: 4 | 6): Promise<{ printed: Promise<string>; stop: () => void }> {
  const filter = version === 4 ? "icmp and icmp[icmptype] == icmp-echo" : "icmp6 and ip6[40] == 128";
  const capture = spawn("ip", ["netns", "exec", netns, "tcpdump", "-l", "-n", "-c", "1", "-i", device, filter], { stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  capture.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<string>((resolve) => capture.on("exit", () => resolve(printed)));
  await new Promise<void>((resolve, reject) => {
    let said = "";
    capture.stderr.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes("listening on")) resolve();
    });
    capture.on("exit", (code) => reject(new Error(`tcpdump exited (${code}) before listening: ${said}`)));
  });
  return { printed: exited, stop: () => capture.kill() };
}
