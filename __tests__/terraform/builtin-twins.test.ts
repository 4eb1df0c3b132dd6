import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import { type LayoutLock, lockOf } from "../../lib/plan/lock";
import { baseConfig, type ConfigInput, synthStacksRaw, workspace } from "../helpers/synth";
import { BuiltinWorkdir, resolveReferences, terraformVersion, twinOf } from "./builtin";

/*
 * Deploy defects that only Terraform shows, reproduced with Terraform's built-in `terraform_data`:
 * each synthesized block keeps its own `for_each`, `lifecycle` and expressions in a twin, and
 * Terraform itself plans it. Project IDs, which the real stacks look up, are given by name.
 */

const terraform = terraformVersion();
const needsTerraform = describe.skipIf(terraform.missing !== undefined);
if (terraform.missing !== undefined) {
  if (process.env.TESTS_IN_CI === "true")
    throw new Error(`CI needs Terraform: ${terraform.missing}`);
  console.log(`Terraform-backed tests skipped: ${terraform.missing}`);
}

type Block = Record<string, unknown>;
type Stack = {
  data?: Record<string, Record<string, Block>>;
  resource?: Record<string, Record<string, Block>>;
};

/** `${data.tfe_project.projects["project_Apps"].id}` → `prj-project_Apps` */
const projectIds = (reference: string) =>
  /^data\.tfe_project\.projects\["([^"]+)"\]\.id$/.exec(reference)?.[1]?.replace(/^/, "prj-");

/** The `data.tfe_workspace` lookups of a stack as `terraform_data` twins whose workspace is where the config says. */
function lookupTwin(stack: Stack, actualProject?: string): Block | undefined {
  const lookup = stack.data?.tfe_workspace?.workspaces;
  if (lookup === undefined) return undefined;
  const twin = twinOf(resolveReferences(lookup, projectIds), {
    // Unpinned here: any ID passes the pin's postcondition (see pin-twins.test.ts).
    id: "ws-live",
    project_id: actualProject ?? "${each.value.project_id}",
  });
  return { resource: { terraform_data: { workspaces: twin } } };
}

/** The `tfe_workspace.created` block of a stack as a `terraform_data` twin; undefined when it is not written. */
function createdTwin(stack: Stack): Block | undefined {
  const created = stack.resource?.tfe_workspace?.created;
  if (created === undefined) return undefined;
  const twin = twinOf(resolveReferences(created, projectIds), {
    name: "${each.key}",
    project_id: "${each.value.project_id}",
  });
  return { resource: { terraform_data: { created: twin } } };
}

/** A synth of `config` after the synth that wrote `lock`; returns its stacks and its own lock. */
function synth(config: ConfigInput, lock?: LayoutLock) {
  const stacks = synthStacksRaw(config, lock) as unknown as Record<string, Stack>;
  return { stacks, lock: lockOf(planTrust(parseConfig(JSON.stringify(config)), lock)) };
}

needsTerraform("Terraform plans what the synth writes", () => {
  beforeAll(() => {
    // One line in the output says which Terraform judged.
    console.log(`Terraform ${terraform.version}`);
  });

  it("applies the workspace lookups of every stack of examples/accounts.yaml, whose workspaces have no project", () => {
    const text = readFileSync(join(__dirname, "..", "..", "examples", "accounts.yaml"), "utf8");
    const stacks = synthStacksRaw(text) as unknown as Record<string, Stack>;
    const planned = Object.entries(stacks).filter(([name]) => name.endsWith(".any.project"));
    expect(planned.length).toBeGreaterThan(0);
    for (const [name, stack] of planned) {
      const config = lookupTwin(stack);
      if (config === undefined) throw new Error(`${name} looks up no workspace`);
      const dir = new BuiltinWorkdir().write(config);
      expect(dir.init().status, name).toBe(0);
      // Applied, so that the postcondition is judged on known values, as a data source's is at plan.
      const apply = dir.run("apply", "-auto-approve", "-input=false");
      expect(apply.output, name).not.toContain("Invalid template interpolation value");
      expect(apply.status, `${name}: ${apply.output}`).toBe(0);
    }
  });

  it("fails the plan of a workspace that left its project, naming the workspace and the project", () => {
    const { stacks } = synth(
      baseConfig({ workspaces: [workspace("app", { project: "Apps" }), workspace("loose")] }),
    );
    const stack = Object.entries(stacks).find(([name]) => name.endsWith(".Apps"))?.[1];
    const config = stack === undefined ? undefined : lookupTwin(stack, "prj-elsewhere");
    if (config === undefined) throw new Error("no lookup of workspace app");
    const dir = new BuiltinWorkdir().write(config);
    expect(dir.init().status).toBe(0);
    const apply = dir.run("apply", "-auto-approve", "-input=false");
    expect(apply.status).toBe(1);
    expect(apply.output).toContain('Workspace "app" is not in project "Apps" any more.');
  });

  describe("a created workspace whose entry is removed", () => {
    const created = workspace("apps-new", { project: "Apps", create: true });
    const kept = workspace("apps-web", { project: "Apps" });

    it.each([
      ["while the stack keeps other workspaces", [created, kept], [kept]],
      [
        "when it was the stack's last member",
        [created],
        [workspace("other", { project: "Other" })],
      ],
    ])("stops the plan %s, and keeps stopping it over later synths", (_, before, after) => {
      const first = synth(baseConfig({ workspaces: before }));
      const stackName = Object.keys(first.stacks).find((name) => name.endsWith(".Apps")) ?? "";
      const applied = createdTwin(first.stacks[stackName] ?? {});
      if (applied === undefined) throw new Error(`${stackName} creates no workspace`);
      const dir = new BuiltinWorkdir().write(applied);
      expect(dir.init().status).toBe(0);
      const apply = dir.run("apply", "-auto-approve", "-input=false");
      expect(apply.status, apply.output).toBe(0);

      // The entry is removed; a second synth in between must not lose the guard either.
      const second = synth(baseConfig({ workspaces: after }), first.lock);
      const third = synth(baseConfig({ workspaces: after }), second.lock);
      for (const { stacks } of [second, third]) {
        const guard = createdTwin(stacks[stackName] ?? {});
        expect(guard, `${stackName} keeps tfe_workspace.created`).toBeDefined();
        dir.write(guard ?? {});
        const plan = dir.run("plan", "-input=false");
        expect(plan.status).toBe(1);
        expect(plan.output).toContain("Instance cannot be destroyed");
      }
    });
  });
});
