// Routes as `ip -j route` prints them: the independent observer of what the kernel holds, for the Route tests.
import { ip } from "./ip";

/** One route as `ip -j route show table all` prints it (keys left out mean: table main, metric 0, scope global). */
export interface IpRoute {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
}

/** Every route of both families in every table, optionally inside a named namespace. */
export function ipRoutes(netns?: string): IpRoute[] {
  const prefix = netns === undefined ? [] : ["-n", netns];
  return ["-4", "-6"].flatMap((family) => {
    const text = ip(...prefix, "-j", family, "route", "show", "table", "all").trim();
    return (text === "" ? [] : JSON.parse(text)) as IpRoute[];
  });
}

/**
 * The routes of one protocol (ours is 238) as `ip route` would print them, one line each, sorted:
 * "10.9.0.0/24 dev tun0 table main metric 0 scope link".
 */
export function routeLines(protocol = "238", netns?: string): string[] {
  return ipRoutes(netns)
    // `ip` leaves out the protocol of routes it added itself (boot).
    .filter((route) => (route.protocol ?? "boot") === protocol)
    .map(routeLine)
    .sort();
}

export function routeLine(route: IpRoute): string {
  const parts = [route.dst];
  if (route.gateway !== undefined) parts.push(`via ${route.gateway}`);
  if (route.dev !== undefined) parts.push(`dev ${route.dev}`);
  parts.push(`table ${route.table ?? "main"}`, `metric ${route.metric ?? 0}`, `scope ${route.scope ?? "global"}`);
  if (route.prefsrc !== undefined) parts.push(`src ${route.prefsrc}`);
  return parts.join(" ");
}
