// The second device asks for the first one's name (until config says otherwise), so its create fails: the
// provider refuses a device it does not own. The third depends on the second's output and so is never sent.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const first = new TapInterface("first", { name: "fs-a" });
const second = new TapInterface("second", { name: config.get("secondName") ?? "fs-a" }, { dependsOn: first });
new TapInterface("third", { name: "fs-c", description: pulumi.interpolate`after ${second.name}` });
