// What the engine said to the language host, the program and the providers during one command, read from the
// log the CLI writes when PULUMI_DEBUG_GRPC names a file (one JSON object per line: method, request, response,
// metadata.mode "client" for calls the engine makes and "server" for calls it answers, progress, timestamp).
// Durations come from the timestamps of the engine's own calls; the calls it answers (RegisterResource…) are
// logged with neither a timestamp nor a duration, so only their number and size are known.
import { readFileSync } from "node:fs";

interface LogEntry {
  method: string;
  request?: unknown;
  response?: unknown;
  metadata?: { mode?: string; kind?: string; name?: string };
  progress?: "request_started" | "response_completed";
  timestamp: string;
}

export interface MethodFigures {
  method: string;
  calls: number;
  /** Sum of the calls' durations (they overlap when the engine runs steps in parallel). */
  totalMs: number;
  /** Bytes of the requests and responses, as the log's JSON (the wire's protobuf is smaller, in proportion). */
  bytes: number;
  /** When the first and the last call were made and the last answer came, ms after the CLI started (the
   * engine's own calls only): a resource's Check is sent as soon as the program has registered it. */
  firstCallMs?: number;
  lastCallMs?: number;
  lastAnswerMs?: number;
}

export interface GrpcSummary {
  /** ms since the CLI was started (`startedAt`) of the first and last entries. */
  firstEntryMs: number;
  lastEntryMs: number;
  /** The language host's Run: the program's whole life (`up` only). */
  run?: { startMs: number; endMs: number };
  /** Per provider (its plugin's name): from its Handshake or GetPluginInfo to its last call's answer. */
  providers: Record<string, { firstMs: number; firstResourceCallMs?: number; lastMs: number }>;
  methods: MethodFigures[];
}

/** "2026-12-06T10:12:09.746804409Z" → ms since the epoch, keeping the microseconds. */
function epochMs(timestamp: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(timestamp);
  if (match === null) throw new Error(`unreadable timestamp ${timestamp} in the gRPC log`);
  const fraction = (match[2] ?? "").padEnd(9, "0");
  return Date.parse(`${match[1]}Z`) + Number(fraction.slice(0, 6)) / 1000;
}

const RESOURCE_CALLS = new Set(["Check", "Diff", "Create", "Read", "Update", "Delete"]);

function methodFigures(methods: Map<string, MethodFigures>, key: string): MethodFigures {
  const figures = methods.get(key) ?? { method: key, calls: 0, totalMs: 0, bytes: 0 };
  methods.set(key, figures);
  return figures;
}

function addCall(methods: Map<string, MethodFigures>, key: string, entry: LogEntry, ms: number): void {
  const figures = methodFigures(methods, key);
  figures.calls++;
  figures.totalMs += ms;
  figures.bytes += JSON.stringify(entry.request ?? {}).length + JSON.stringify(entry.response ?? {}).length;
}

export function summarizeGrpcLog(path: string, startedAt: number): GrpcSummary {
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LogEntry);
  const at = (entry: LogEntry) => epochMs(entry.timestamp) - startedAt;
  const methods = new Map<string, MethodFigures>();
  const started = new Map<string, number[]>();
  const summary: GrpcSummary = { firstEntryMs: Number.POSITIVE_INFINITY, lastEntryMs: 0, providers: {}, methods: [] };
  for (const entry of entries) {
    const name = entry.method.split("/").pop() ?? entry.method;
    if (entry.metadata?.mode === "server") {
      if (entry.progress === "response_completed") addCall(methods, `engine answers: ${name}`, entry, 0);
      continue;
    }
    const time = at(entry);
    summary.firstEntryMs = Math.min(summary.firstEntryMs, time);
    summary.lastEntryMs = Math.max(summary.lastEntryMs, time);
    const provider = entry.metadata?.kind === "resource" ? (entry.metadata.name ?? "resource") : undefined;
    const key = `${provider === undefined ? "language host" : provider}: ${name}`;
    // Calls of one method overlap when the engine runs steps in parallel: each answer is matched with its call
    // by the resource it is about.
    const call = `${key} ${(entry.request as { urn?: string } | undefined)?.urn ?? ""}`;
    if (entry.progress === "request_started") {
      const open = started.get(call) ?? [];
      open.push(time);
      started.set(call, open);
      const figures = methodFigures(methods, key);
      figures.firstCallMs ??= time;
      figures.lastCallMs = time;
      if (name === "Run") summary.run = { startMs: time, endMs: time };
      if (provider !== undefined) {
        const figures = (summary.providers[provider] ??= { firstMs: time, lastMs: time });
        if (RESOURCE_CALLS.has(name)) figures.firstResourceCallMs ??= time;
      }
      continue;
    }
    addCall(methods, key, entry, time - (started.get(call)?.shift() ?? time));
    methodFigures(methods, key).lastAnswerMs = time;
    if (name === "Run" && summary.run !== undefined) summary.run.endMs = time;
    if (provider !== undefined && summary.providers[provider] !== undefined) summary.providers[provider].lastMs = time;
  }
  summary.methods = [...methods.values()].sort((a, b) => b.totalMs - a.totalMs);
  return summary;
}
