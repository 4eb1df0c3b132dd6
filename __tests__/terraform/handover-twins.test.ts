import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import { type DeployRecord, emptyRecord, recordDeploy } from "../../lib/plan/deployed";
import { type LayoutLock, lockOf } from "../../lib/plan/lock";
import { declaredMembers } from "../../lib/plan/members";
import { type SynthesizedStackJson, synthStacksRaw } from "../helpers/synth";
import { BuiltinWorkdir, resolveReferences, terraformVersion } from "./builtin";

/*
 * A move between stacks, as Terraform itself plans and applies the synthesized blocks: each
 * stack's roles, attachments and variables as `terraform_data` twins (the same `for_each` maps,
 * `depends_on`, and `moved`, `removed` and `import` blocks, renamed), in a state of its own.
 *
 * `terraform_data` supports `import` (it takes any ID as its own), so the import of an object that
 * does not exist ("Cannot import non-existent remote object") cannot be shown here: that is the
 * provider's read, which the model of `helpers/deploy-model.ts` stands for. Nor can two states
 * share one object: each twin state has its own copy, and the tests compare their values.
 */

const terraform = terraformVersion();
const needsTerraform = describe.skipIf(terraform.missing !== undefined);

const APPS = "hcp-aws-trust-prod.Apps";
const TOOLS = "hcp-aws-trust-prod.Tools";
const TWINNED = [
  "aws_iam_role.roles",
  "aws_iam_role_policy_attachment.attachments",
  "tfe_variable.variables",
  "tfe_workspace.created",
];

type Block = Record<string, unknown>;

/** Workspaces by name, in their projects; `web` is created by the app. */
function config(projects: Record<string, string>): string {
  return stringify({
    hcp: { organization: "acme" },
    accounts: { prod: { region: "us-east-1", accountId: "111122223333" } },
    workspaces: Object.entries(projects).map(([name, project]) => ({
      name,
      project,
      account: "prod",
      ...(name === "web" ? { create: true } : {}),
      policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    })),
  });
}

/** `aws_iam_role.roles["k"]` → `terraform_data.aws_iam_role_roles["k"]` */
const twinAddress = (address: string) =>
  address.replace(/^([a-z0-9_]+)\.([a-z0-9_-]+)/, "terraform_data.$1_$2");

/**
 * Data sources by a value of their own; a role's ARN, a created workspace's ID by the twin's ID
 * (a reference, as in the stack). Written into JSON text: quotes escaped.
 */
const resolve = (reference: string): string | undefined => {
  const value = resolveTo(reference);
  return value === undefined ? undefined : JSON.stringify(value).slice(1, -1);
};

const resolveTo = (reference: string): string | undefined => {
  const workspace = /^data\.tfe_workspace\.workspaces\["([^"]+)"\]\.id$/.exec(reference);
  if (workspace) return `ws-${workspace[1]}`;
  const project = /^data\.tfe_project\.projects\["([^"]+)"\]\.id$/.exec(reference);
  if (project) return `prj-${project[1]}`;
  const created = /^tfe_workspace\.created\["([^"]+)"\]\.id$/.exec(reference);
  if (created) return `\${terraform_data.tfe_workspace_created["${created[1]}"].id}`;
  const role = /^aws_iam_role\.roles\["([^"]+)"\]\.(arn|name)$/.exec(reference);
  if (role) return `\${terraform_data.aws_iam_role_roles["${role[1]}"].id}`;
  return undefined;
};

/** The `terraform_data` twin of a stack's member resources and carry-over blocks. */
function twinOf(stack: SynthesizedStackJson | undefined): Block {
  const resource: Record<string, Block> = {};
  for (const address of TWINNED) {
    const [type = "", name = ""] = address.split(".");
    const block = stack?.resource?.[type]?.[name] as Block | undefined;
    if (block === undefined) continue;
    resource[twinAddress(address).split(".")[1] as string] = {
      for_each: resolveReferences(block.for_each, resolve),
      input: "${each.value}",
      ...(block.lifecycle === undefined ? {} : { lifecycle: block.lifecycle }),
      ...(Array.isArray(block.depends_on)
        ? { depends_on: (block.depends_on as string[]).map(twinAddress) }
        : {}),
    };
  }
  const json = (stack ?? {}) as Block;
  const rename = (blocks: unknown, fields: string[]) =>
    ((blocks ?? []) as Block[]).map((b) => ({
      ...b,
      ...Object.fromEntries(fields.map((f) => [f, twinAddress(String(b[f]))])),
    }));
  // Only the imports by a literal ID: the variables' own are looked up at plan time.
  const imports = ((json.import ?? []) as Block[]).filter((b) => b.for_each === undefined);
  return {
    ...(Object.keys(resource).length === 0 ? {} : { resource: { terraform_data: resource } }),
    ...(json.moved === undefined ? {} : { moved: rename(json.moved, ["from", "to"]) }),
    ...(json.removed === undefined ? {} : { removed: rename(json.removed, ["from"]) }),
    ...(imports.length === 0 ? {} : { import: rename(imports, ["to"]) }),
  };
}

/** A config's synth after the given lock and record, with the record of deploying some of its stacks. */
function synth(projects: Record<string, string>, lock?: LayoutLock, record?: DeployRecord) {
  const text = config(projects);
  const plan = planTrust(parseConfig(text), lock, undefined, record);
  const stacks = synthStacksRaw(text, lock, undefined, record);
  const deployed = (names: readonly string[], into: DeployRecord = record ?? emptyRecord()) =>
    names.reduce((r, name) => {
      const stack = plan.stacks.find((s) => s.name === name);
      if (stack === undefined) throw new Error(`no stack ${name}`);
      const { account, kind } = stack;
      const members = declaredMembers(stack);
      return recordDeploy(
        r,
        { name, account, kind, members, digest: "0".repeat(64) },
        { ok: true },
      );
    }, into);
  return { plan, stacks, lock: lockOf(plan), deployed };
}

function apply(dir: BuiltinWorkdir, stack: SynthesizedStackJson | undefined) {
  dir.write(twinOf(stack));
  const run = dir.run("apply", "-auto-approve", "-input=false");
  expect(run.status, run.output).toBe(0);
  return run.output;
}

function plan(dir: BuiltinWorkdir, stack: SynthesizedStackJson | undefined) {
  dir.write(twinOf(stack));
  const run = dir.run("plan", "-input=false");
  expect(run.status, run.output).toBe(0);
  return run.output;
}

/** What a twin state holds: address → input. */
function state(dir: BuiltinWorkdir): Record<string, unknown> {
  const show = dir.run("show", "-json");
  const values = JSON.parse(show.output.slice(show.output.indexOf("{"))).values;
  const resources = (values?.root_module?.resources ?? []) as Array<{
    address: string;
    values: { input: unknown };
  }>;
  return Object.fromEntries(resources.map((r) => [r.address, r.values.input]));
}

const ROLE = 'terraform_data.aws_iam_role_roles["ws_app"]';

needsTerraform("Terraform applies a move between stacks as the deploy record decides it", () => {
  function movedOnce() {
    const first = synth({ app: "Apps", other: "Other" });
    const apps = new BuiltinWorkdir();
    expect(apps.init().status).toBe(0);
    const created = apply(apps, first.stacks[APPS]);
    // The variables are written after the roles (`depends_on`), although their ARNs are literals.
    const roleDone = created.indexOf(`${ROLE}: Creation complete`);
    const variableStarts = created.indexOf(
      'terraform_data.tfe_variable_variables["ws_app_TFC_AWS_RUN_ROLE_ARN"]: Creating...',
    );
    expect(roleDone).toBeGreaterThan(0);
    expect(variableStarts).toBeGreaterThan(roleDone);
    const record = first.deployed([APPS]);
    const moved = synth({ app: "Tools", other: "Other" }, first.lock, record);
    return { apps, moved };
  }

  it("the stack it leaves keeps the member, the stack it joins imports it with the same values, then the first forgets it without destroying it", () => {
    const { apps, moved } = movedOnce();
    expect(plan(apps, moved.stacks[APPS])).toMatch(/ 0 to destroy|No changes/);
    apply(apps, moved.stacks[APPS]);
    const tools = new BuiltinWorkdir();
    expect(tools.init().status).toBe(0);
    const imported = apply(tools, moved.stacks[TOOLS]);
    expect(imported).toContain(`${ROLE}: Import complete [id=tfc-acme-app]`);
    // Imported again, nothing happens: the import of what the state holds is a no-op.
    expect(plan(tools, moved.stacks[TOOLS])).toContain("No changes.");
    // Both states hold the role and its variables with the same values.
    const [left, joined] = [state(apps), state(tools)];
    for (const address of Object.keys(joined).filter((a) => a.includes("ws_app"))) {
      expect(left[address], address).toEqual(joined[address]);
    }
    // The record shows Tools holds it: Apps forgets it, and nothing is destroyed.
    const record = moved.deployed([APPS, TOOLS]);
    const after = synth({ app: "Tools", other: "Other" }, moved.lock, record);
    const forgetting = plan(apps, after.stacks[APPS]);
    expect(forgetting).toContain("will no longer be managed");
    expect(forgetting).toContain(" 0 to destroy");
    apply(apps, after.stacks[APPS]);
    expect(Object.keys(state(apps)).filter((a) => a.includes("ws_app"))).toEqual([]);
    expect(state(tools)[ROLE]).toBeDefined();
  });

  it("a created workspace, guarded by prevent_destroy, is kept, then forgotten by the stack it leaves, never destroyed", () => {
    const first = synth({ web: "Apps", other: "Other" });
    const apps = new BuiltinWorkdir();
    expect(apps.init().status).toBe(0);
    apply(apps, first.stacks[APPS]);
    const moved = synth({ web: "Tools", other: "Other" }, first.lock, first.deployed([APPS]));
    // Kept, in its new project: an update in place, nothing destroyed.
    expect(plan(apps, moved.stacks[APPS])).toMatch(/ 0 to destroy/);
    apply(apps, moved.stacks[APPS]);
    const tools = new BuiltinWorkdir();
    expect(tools.init().status).toBe(0);
    apply(tools, moved.stacks[TOOLS]);
    const web = 'terraform_data.tfe_workspace_created["web"]';
    expect(state(apps)[web]).toEqual(state(tools)[web]);
    const after = synth(
      { web: "Tools", other: "Other" },
      moved.lock,
      moved.deployed([APPS, TOOLS]),
    );
    const forgetting = plan(apps, after.stacks[APPS]);
    expect(forgetting).toContain(
      "terraform_data.tfe_workspace_departed_created_web will no longer be managed",
    );
    expect(forgetting).toContain(" 0 to destroy");
    apply(apps, after.stacks[APPS]);
    expect(state(apps)[web]).toBeUndefined();
  });

  it("removed after only the stack it leaves was deployed, the member is destroyed by that stack, not orphaned", () => {
    const { apps, moved } = movedOnce();
    apply(apps, moved.stacks[APPS]);
    const record = moved.deployed([APPS]);
    const removed = synth({ other: "Other" }, moved.lock, record);
    expect((removed.stacks[TOOLS] as { import?: unknown } | undefined)?.import).toBeUndefined();
    const destroying = plan(apps, removed.stacks[APPS]);
    expect(destroying).toContain(`${ROLE} will be destroyed`);
    expect(destroying).not.toContain("will no longer be managed");
    apply(apps, removed.stacks[APPS]);
    expect(state(apps)[ROLE]).toBeUndefined();
  });
});
