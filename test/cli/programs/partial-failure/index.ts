// A dynamic provider of its own, touching nothing: its create reports a resource that exists but did not
// finish initialising (an error carrying id, properties and reasons) while `broken` is set; its update
// heals it. For the engine's handling of partial failures, independent of any kernel.
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    if (inputs.broken === true) {
      throw Object.assign(new Error("the thing is half made"), { id: "thing-1", properties: { ...inputs, health: "half made" }, reasons: ["still booting"] });
    }
    return { id: "thing-1", outs: { ...inputs, health: "ok" } };
  },
  async diff(_id, olds, news) {
    return { changes: olds.label !== news.label };
  },
  async update(_id, _olds, news) {
    return { outs: { ...news, health: news.broken === true ? "half made" : "ok" } };
  },
};

class Thing extends pulumi.dynamic.Resource {
  declare readonly health: pulumi.Output<string>;

  constructor(name: string, props: { label: string; broken: boolean }) {
    super(provider, name, { ...props, health: undefined }, undefined, "engine", "Thing");
  }
}

const thing = new Thing("thing", { label: "a", broken: config.getBoolean("broken") ?? true });

export const health = thing.health;
