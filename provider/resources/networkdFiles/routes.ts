// The routes of a device in its systemd-networkd .network file: one [Route] section each (systemd.network(5):
// Destination=, Gateway=, Metric=, Table=, Scope=, PreferredSource=, Protocol=), written from Route resources'
// outputs and read back. Pure.
//
// Protocol=238 makes the route networkd adds at boot the one a Route resource recognises as its own (see
// ROUTE_PROTOCOL). A networkd too old to know Protocol= logs the unknown key and marks the route "static": the
// stack's next `pulumi refresh` then finds its route gone and `pulumi up` refuses the key as another program's.
import { z } from "zod";
import type { CrossFieldRule } from "../../model/check";
import type { IniSection } from "./ini";
import { ROUTE_PROTOCOL } from "../route/model";

const oneLine = z.string().regex(/^[0-9A-Fa-f.:/]+$/, "must be an address or prefix as a Route resource outputs it");

/** A route as NetworkdFiles takes it: a Route resource's outputs (the class maps them). */
export const networkdRoute = z.strictObject({
  destination: oneLine,
  gateway: oneLine.optional(),
  /** The device the route leaves by: it must be the device the files are for. */
  device: z.string(),
  metric: z.number().int().min(0).max(4294967295),
  table: z.number().int().min(1).max(4294967295),
  /** IPv4 only. */
  scope: z.enum(["global", "link", "host"]).optional(),
  source: oneLine.optional(),
});

export type NetworkdRoute = z.output<typeof networkdRoute>;

/** Every route must leave by the device whose .network file it goes into: networkd adds them on that link. */
export const routesLeaveByTheDevice: CrossFieldRule<{ name?: string | undefined; routes?: NetworkdRoute[] | undefined }> = (value, unknown) => {
  if (value.name === undefined || unknown.has("name") || unknown.has("routes")) return [];
  return (value.routes ?? []).flatMap((route, index) =>
    route.device === value.name
      ? []
      : [{ property: `routes[${index}]`, reason: `the route to ${route.destination} leaves by ${route.device}, not ${value.name}: give it to ${route.device}'s NetworkdFiles` }],
  );
};

/** The [Route] sections, in the order given. */
export function routeSections(routes: readonly NetworkdRoute[]): string[] {
  return routes.flatMap((route) => {
    const lines = ["", "[Route]", `Destination=${route.destination}`];
    if (route.gateway !== undefined) lines.push(`Gateway=${route.gateway}`);
    lines.push(`Metric=${route.metric}`, `Table=${route.table}`);
    if (route.scope !== undefined) lines.push(`Scope=${route.scope}`);
    if (route.source !== undefined) lines.push(`PreferredSource=${route.source}`);
    lines.push(`# ${ROUTE_PROTOCOL} marks the route as pulumi-tuntap's (\`ip route show proto ${ROUTE_PROTOCOL}\`).`, `Protocol=${ROUTE_PROTOCOL}`);
    return lines;
  });
}

/** The routes the [Route] sections of a .network file describe, as far as they describe whole ones. */
export function routesFromSections(sections: readonly IniSection[], device: string): NetworkdRoute[] {
  return sections
    .filter((section) => section.name === "Route")
    .flatMap((section) => {
      const entries = new Map(section.entries);
      const optional = { gateway: entries.get("Gateway"), scope: entries.get("Scope"), source: entries.get("PreferredSource") };
      const parsed = networkdRoute.safeParse({
        destination: entries.get("Destination"),
        device,
        metric: Number(entries.get("Metric")),
        table: Number(entries.get("Table")),
        ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
      });
      return parsed.success ? [parsed.data] : [];
    });
}
