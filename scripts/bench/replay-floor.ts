import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";

/**
 * The like-for-like cdktf floor of the benchmark: a bare cdktf app that writes the app's own
 * synthesized stacks again, element for element, with the same bodies (the same literal maps,
 * strings and references), through plain `TerraformResource` / `TerraformDataSource` elements.
 * It is what cdktf costs by itself to write what the app writes.
 * Usage: node replay-floor.js APP_OUTDIR OUTDIR
 */
type Block = Record<string, Record<string, Record<string, unknown>>>;

const source = process.argv[2] ?? "cdktf.out";
const app = new App({ outdir: process.argv[3] ?? "replay-floor.out" });
for (const name of readdirSync(join(source, "stacks"))) {
  const json = JSON.parse(readFileSync(join(source, "stacks", name, "cdk.tf.json"), "utf8")) as {
    resource?: Block;
    data?: Block;
  };
  const stack = new TerraformStack(app, name);
  for (const [kind, block] of [
    ["resource", json.resource],
    ["data", json.data],
  ] as const) {
    for (const [type, items] of Object.entries(block ?? {})) {
      for (const [id, body] of Object.entries(items)) {
        const Element = kind === "resource" ? TerraformResource : TerraformDataSource;
        const element = new Element(stack, `${type}.${id}`, { terraformResourceType: type });
        element.overrideLogicalId(id);
        for (const [key, value] of Object.entries(body))
          if (key !== "//") element.addOverride(key, value);
      }
    }
  }
}
app.synth();
