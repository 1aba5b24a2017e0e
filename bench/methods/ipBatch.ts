// Baseline B: every step of a phase in one `ip -batch` process — close to the kernel's own cost.
import { spawn } from "node:child_process";
import type { BenchDevice, BenchMethod, Phase } from "../workload";
import { ipCommands } from "./ipCommands";

export function ipBatchMethod(): BenchMethod {
  return {
    key: "ipBatch",
    label: "baseline B: ip -batch, one process per phase",
    run(phase: Phase, devices: readonly BenchDevice[]) {
      // Global options such as -d apply to the whole batch, not to a line.
      const lines = devices.flatMap((device) => ipCommands(phase, device).map((args) => args.filter((arg) => arg !== "-d").join(" ")));
      const script = `${lines.join("\n")}\n`;
      return new Promise((resolve, reject) => {
        const child = spawn("ip", ["-d", "-batch", "-"], { stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch (${phase}): ${stderr.trim()}`))));
        child.stdin.end(script);
      });
    },
  };
}
