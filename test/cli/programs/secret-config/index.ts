// A secret from the stack config becomes a device's alias: the provider sees it in plaintext, the state and
// the stack output keep it encrypted.
import * as pulumi from "@pulumi/pulumi";
import { TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const tap = new TapInterface("secret", { name: "sec0", description: config.requireSecret("alias") });

export const alias = tap.description;
