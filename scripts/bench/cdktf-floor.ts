import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { App, TerraformStack } from "cdktf";

/**
 * The cdktf floor of the benchmark: a bare cdktf app that synthesizes as many elements as the
 * app did, each the simplest there is (a `tfe_variable` of literals, no references), in stacks
 * of 150. It is what cdktf costs by itself for that many elements.
 * Usage: node cdktf-floor.js ELEMENTS OUTDIR
 */
const elements = Number(process.argv[2]);
const app = new App({ outdir: process.argv[3] ?? "cdktf-floor.out" });
const perStack = 150;
for (let s = 0; s * perStack < elements; s++) {
  const stack = new TerraformStack(app, `floor-${s}`);
  new TfeProvider(stack, "tfe", {});
  for (let i = s * perStack; i < Math.min(elements, (s + 1) * perStack); i++) {
    new Variable(stack, `v${i}`, {
      key: `K${i}`,
      value: "v",
      category: "env",
      workspaceId: "ws-0",
      description: "floor",
    });
  }
}
app.synth();
