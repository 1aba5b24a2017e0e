// The Route dynamic provider's methods. Each reads validate → one call into the route lifecycle → the state.
import type * as pulumi from "@pulumi/pulumi";
import { checkRoute, diffRoute, type Properties, type RouteInputs } from "../../model";
import { validated } from "../../lifecycle/validated";
import type { ResourceImplementation } from "../../lifecycle/provider";
import { createRoute, deleteRoute, readRoute, updateRoute } from "./kind";

export const routeImplementation: ResourceImplementation = {
  async check(olds: Properties, news: Properties): Promise<pulumi.dynamic.CheckResult> {
    const outcome = checkRoute(olds, news);
    return { inputs: outcome.inputs, failures: outcome.failures };
  },

  async diff(_id: string, olds: Properties, news: Properties): Promise<pulumi.dynamic.DiffResult> {
    return diffRoute(olds, news);
  },

  async create(inputs: Properties): Promise<pulumi.dynamic.CreateResult> {
    const created = createRoute(validatedRoute(inputs, "create Route"));
    return { id: created.id, outs: created.state };
  },

  async read(id: string, props: Properties): Promise<pulumi.dynamic.ReadResult> {
    const state = readRoute(props);
    return state === undefined ? {} : { id, props: state };
  },

  async update(id: string, _olds: Properties, news: Properties): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: updateRoute(id, validatedRoute(news, `update route ${id}`)) };
  },

  async delete(id: string, props: Properties): Promise<void> {
    deleteRoute(id, props);
  },
};

/** The checked inputs, or an InvalidInputsError listing every failure (see validated.ts). */
function validatedRoute(inputs: Properties, operation: string): RouteInputs {
  return validated(checkRoute({}, inputs), operation, (outcome) => outcome.complete);
}
