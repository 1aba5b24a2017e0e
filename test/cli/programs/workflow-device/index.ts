// One tap whose name, settings and resource options all come from the stack config, so that a workflow test
// changes only what a user would change at each step: protect, retainOnDelete, adopt, a renamed resource with
// an alias, or the declaration removed from the program.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();
/** The interface name; "" declares the tap without one (the name is then derived from the resource's identity). */
const device = config.get("device") ?? "wfk0";
const aliasOf = config.get("aliasOf");

const tap =
  config.getBoolean("declared") === false
    ? undefined
    : new TapInterface(
        config.get("resource") ?? "keeper",
        {
          ...(device === "" ? {} : { name: device }),
          mtu: config.getNumber("mtu") ?? 1400,
          adopt: config.getBoolean("adopt") ?? false,
        },
        {
          protect: config.getBoolean("protect") ?? false,
          retainOnDelete: config.getBoolean("retainOnDelete") ?? false,
          aliases: aliasOf === undefined ? [] : [{ name: aliasOf }],
        },
      );

export const name = tap?.name;
export const stamp = tap?.stamp;
