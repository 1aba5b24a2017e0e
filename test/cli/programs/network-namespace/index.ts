// A network namespace and a tap inside it. The tap's netns is the namespace's `name` output, so Pulumi creates
// the namespace first and deletes it last; the name and lo's state come from the stack config.
import * as pulumi from "@pulumi/pulumi";
import { NetworkNamespace, TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const lab = new NetworkNamespace("lab", { name: config.get("namespaceName") ?? "clins0", loopbackUp: config.getBoolean("loopbackUp") ?? true });

const vm = new TapInterface("vm", { name: "clitap0", netns: lab.name, addresses: ["10.70.0.1/24"] });

export const namespaceName = lab.name;
export const namespacePath = lab.path;
export const tapNetns = vm.netns;
