// An MTU out of range: Check must reject it, naming the property, before anything is created.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

new TapInterface("bad", { name: "bad0", mtu: config.getNumber("mtu") ?? 70000 });
