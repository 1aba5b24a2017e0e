// Routes of both families: one out of a tun this stack makes (the route names the tun by its `name` output, so
// Pulumi creates the tun first and deletes it last), and two through a gateway on a veth the test made with `ip`.
import * as pulumi from "@pulumi/pulumi";
import { Route, TapInterface } from "pulumi-tuntap";

const config = new pulumi.Config();

const tun = new TapInterface("tun", { name: "rtun0", mode: "tun", addresses: ["10.71.0.1/24"] });

const tunnel = new Route("tunnel", { destination: "10.81.0.0/24", device: tun.name });
const remote = new Route("remote", {
  destination: config.get("remote") ?? "10.80.0.0/24",
  gateway: config.get("gateway") ?? "10.70.0.2",
  device: "rveth0",
});
const v6 = new Route("v6", { destination: "fd80::/64", gateway: "fd70::2", device: "rveth0", table: 100 });

export const tunnelDevice = tunnel.device;
export const remoteGateway = remote.gateway;
export const v6Metric = v6.metric;
