// The Route dynamic provider's methods. Each reads validate → one call into the route lifecycle → the state.
import type * as pulumi from "@pulumi/pulumi";
import { checkRoute, diffRoute, type Properties, type RouteInputs } from "../model";
import { InvalidInputsError } from "./errors";
import type { ResourceImplementation } from "./linkProvider";
import { createRoute, deleteRoute, readRoute, updateRoute } from "./routeLifecycle";

export const routeImplementation: ResourceImplementation = {
  async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
    const outcome = checkRoute(olds, news);
    return { inputs: outcome.inputs, failures: outcome.failures };
  },

  async diff(_id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
    return diffRoute(olds, news);
  },

  async create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
    const created = createRoute(validated(inputs, "create Route"));
    return { id: created.id, outs: created.state };
  },

  async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
    const state = readRoute(props);
    return state === undefined ? {} : { id, props: state };
  },

  async update(id: string, _olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: updateRoute(id, validated(news, `update route ${id}`)) };
  },

  async delete(id: string, props: Properties): Promise<void> {
    deleteRoute(id, props);
  },
};

/**
 * The checked inputs, or an InvalidInputsError listing every failure: create and update may be called without
 * check, and then nothing may reach the kernel.
 */
function validated(inputs: Properties, operation: string): RouteInputs {
  const outcome = checkRoute({}, inputs);
  if (outcome.unknown.size > 0) {
    throw new InvalidInputsError(operation, [...outcome.unknown].map((property) => ({ property, reason: "its value is not known yet" })));
  }
  if (outcome.failures.length > 0 || outcome.complete === undefined) throw new InvalidInputsError(operation, outcome.failures);
  return outcome.complete;
}
