// `pulumi preview` and `pulumi up` (pkg/resource/deploy/deployment_executor.go Execute): the program runs
// against the ResourceMonitor; each registration becomes steps, generated one at a time and executed in
// parallel; when the program has signalled that it is done, the resources it did not declare are deleted in
// reverse dependency order; only then is the program released to exit. The first failure cancels the rest:
// registrations still waiting are answered "resource monitor shut down", the steps in flight finish, and
// the state written so far stays. A preview calls only Check and Diff and writes no state.
import * as grpc from "@grpc/grpc-js";
import { StatusError } from "../wire/grpc";
import type { Properties } from "../wire/properties";
import { isProviderType, packageOf, providerReference, providerType, ROOT_STACK_TYPE } from "../wire/urn";
import { type Goal, type Registered, startResourceMonitor } from "../services/resourceMonitor";
import { CheckpointWriter, readCheckpoint } from "./checkpoint";
import { runProgram } from "./languageRuntime";
import { DYNAMIC_PACKAGE, dynamicProviderInputs } from "./providerRegistry";
import type { RunResult } from "./result";
import { Run, type StackSettings } from "./run";
import { SnapshotManager } from "./snapshot";
import { executeDeletes, StepExecutor } from "./stepExecutor";
import { BailError, StepGenerator } from "./stepGenerator";

const ORGANIZATION = "organization";
/** How long a program may take to exit once released before it is killed. */
const EXIT_GRACE_MS = 15000;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export async function runUpdate(settings: StackSettings, dryRun: boolean): Promise<RunResult> {
  const checkpoint = readCheckpoint(settings.statePath, settings.passphrase);
  const run = await Run.start(settings, dryRun ? "preview" : "up");
  const writer = dryRun ? undefined : new CheckpointWriter(settings.statePath, settings.passphrase, checkpoint.secretsProvider);
  const snapshot = writer === undefined ? undefined : new SnapshotManager(checkpoint.resources, checkpoint.pendingOperations, (state) => writer.write(state));
  if (!dryRun && checkpoint.pendingOperations.length > 0) {
    run.warning("", `Attempting to deploy or update resources with ${checkpoint.pendingOperations.length} pending operations from previous deployment.`);
  }
  const generator = new StepGenerator({
    stack: settings.stack,
    project: settings.project.name,
    dryRun,
    registry: run.registry,
    base: checkpoint.resources,
    error: (urn, message) => run.error(urn, message),
  });
  const executor = new StepExecutor(settings.parallel, { dryRun, registry: run.registry }, snapshot, (outcome) => {
    run.recordOutcome(outcome);
    // The step's error is reported with the step (OnResourceStepPost); cancelling adds no second message.
    if (outcome.error !== undefined) cancel(new BailError(outcome.error.message));
  });

  const outstanding = new Set<Deferred<Registered>>();
  const released = deferred<void>();
  const signalled = deferred<void>();
  let generation: Promise<void> = Promise.resolve();
  function cancel(error: Error): void {
    run.fail(error);
    executor.cancel(error);
    for (const registration of outstanding) registration.reject(new StatusError(grpc.status.UNAVAILABLE, "resource monitor shut down while waiting on step's done channel"));
    outstanding.clear();
  }

  /** Work for the step generator, which handles one event at a time; a failure cancels the run. */
  function enqueue(work: () => Promise<void> | void): Promise<void> {
    generation = generation.then(async () => {
      if (run.failure !== undefined) return;
      try {
        await work();
      } catch (error) {
        cancel(error as Error);
      }
    });
    return generation;
  }

  /** One registration through the generator (serialized) and the executor (parallel). */
  function register(goal: Goal): Promise<Registered> {
    if (run.failure !== undefined) return Promise.reject(new StatusError(grpc.status.UNAVAILABLE, "resource monitor shut down while sending resource registration"));
    const answer = deferred<Registered>();
    outstanding.add(answer);
    void enqueue(async () => {
      const steps = await generator.generate(goal, {
        done: (state) => {
          outstanding.delete(answer);
          answer.resolve({ urn: state.urn, id: state.id, outputs: state.outputs });
        },
      });
      void executor.executeChain(steps);
    });
    return answer.promise;
  }

  let defaultProvider: Promise<string> | undefined;
  /** The default provider is registered (as a resource of its own) before the first resource that needs it. */
  function providerFor(goal: Goal): Promise<string> {
    if (!goal.custom || isProviderType(goal.type)) return Promise.resolve(goal.provider);
    if (goal.provider !== "") return Promise.reject(new Error(`${goal.type} ${goal.name}: explicit providers are not supported by this engine stand-in`));
    if (packageOf(goal.type) !== DYNAMIC_PACKAGE) return Promise.reject(new Error(`${goal.type}: only dynamic resources (package ${DYNAMIC_PACKAGE}) are supported by this engine stand-in`));
    defaultProvider ??= register(defaultProviderGoal(settings)).then((registered) => providerReference(registered.urn, registered.id));
    return defaultProvider;
  }

  const monitor = await startResourceMonitor(
    {
      project: settings.project.name,
      stack: settings.stack,
      organization: ORGANIZATION,
      config: settings.config,
      configSecretKeys: settings.secretKeys,
      dryRun,
      parallel: settings.parallel,
    },
    {
      registerResource: async (goal) => register({ ...goal, provider: await providerFor(goal) }),
      registerResourceOutputs: (urn, outputs) =>
        enqueue(() => {
          const state = generator.news.get(urn);
          if (state === undefined) throw new Error(`RegisterResourceOutputs: unknown resource ${urn}`);
          state.outputs = outputs;
          snapshot?.changed();
        }),
      signalAndWaitForShutdown: async () => {
        signalled.resolve();
        await released.promise;
      },
    },
  );

  const program = runProgram({
    project: settings.project,
    stack: settings.stack,
    organization: ORGANIZATION,
    monitorAddress: monitor.address,
    engineAddress: run.engine.address,
    dryRun,
    parallel: settings.parallel,
    config: settings.config,
    secretKeys: settings.secretKeys,
    onOutput: (line, stream) => run.print(`[program ${stream}] ${line}`),
  });
  try {
    // The program is done when it signals so (current SDKs) or exits (failed, or an old SDK).
    const exitedFirst = await Promise.race([signalled.promise.then(() => undefined), program.exited]);
    if (exitedFirst !== undefined && (exitedFirst.error !== "" || exitedFirst.bail)) {
      // Exit code 32: the program has logged its error already, and the engine adds nothing (a "bail").
      cancel(exitedFirst.bail ? new BailError("the program failed") : new Error(exitedFirst.error));
    }
    await settle(() => generation, executor);
    if (run.failure === undefined) await executeDeletes(generator, executor, checkpoint.resources);
  } catch (error) {
    cancel(error as Error);
  } finally {
    await executor.idle();
    released.resolve();
    const exit = await Promise.race([program.exited, delay(EXIT_GRACE_MS).then(() => undefined)]);
    if (exit === undefined) {
      program.kill();
      run.warning("", `the program did not exit within ${EXIT_GRACE_MS} ms of being released; killed`);
    } else if (run.failure === undefined && (exit.error !== "" || exit.bail)) {
      run.fail(exit.bail ? new BailError("the program failed") : new Error(exit.error));
    }
    snapshot?.close();
    await monitor.close();
    await run.close();
  }
  const stack = [...generator.news.values()].find((state) => state.type === ROOT_STACK_TYPE);
  return run.result(stack?.outputs as Properties | undefined);
}

/** Waits until step generation has nothing queued and the executor nothing running. */
async function settle(queue: () => Promise<void>, executor: StepExecutor): Promise<void> {
  for (;;) {
    const current = queue();
    await current;
    await executor.idle();
    if (queue() === current) return;
  }
}

function defaultProviderGoal(settings: StackSettings): Goal {
  return {
    type: providerType(DYNAMIC_PACKAGE),
    name: "default",
    custom: true,
    parent: "",
    properties: dynamicProviderInputs(settings.config, settings.secretKeys),
    dependencies: [],
    propertyDependencies: {},
    provider: "",
    deleteBeforeReplace: undefined,
    protect: undefined,
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
