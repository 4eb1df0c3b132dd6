import { describe, expect, it } from "vitest";
import { RESOURCES } from "../lib/plan/members";
import { addressOf } from "./helpers/deploy-model";
import { configText, type Entry, Session } from "./helpers/deploy-session";
import { type SynthesizedStackJson, synthStacksRaw } from "./helpers/synth";

/*
 * The synthesized stacks declare, import and forget exactly what the plan says (the model of
 * `helpers/deploy-model.ts` reads the plan): so what the model proves of moves holds of the
 * Terraform JSON. And a member kept for a move is written with the very values the stack it
 * joins writes.
 */

const APPS = "hcp-aws-trust-prod.Apps";
const TOOLS = "hcp-aws-trust-prod.Tools";
const app: Entry = { name: "app", project: "Apps" };
const web: Entry = { name: "web", project: "Apps", create: true };
const other: Entry = { name: "other", project: "Other" };

type Block = Record<string, unknown>;
const MEMBER_RESOURCES = Object.values(RESOURCES) as string[];

/** What a synthesized stack declares, imports and forgets, by member address. */
function declarationOf(json: SynthesizedStackJson) {
  const resources = (json.resource ?? {}) as Record<string, Record<string, Block>>;
  const declared = new Set<string>();
  for (const resource of MEMBER_RESOURCES) {
    const [type = "", name = ""] = resource.split(".");
    const forEach = resources[type]?.[name]?.for_each as Record<string, unknown> | undefined;
    for (const key of Object.keys(forEach ?? {})) declared.add(addressOf(resource, key));
  }
  const imports = new Set<string>();
  const blocks = json as unknown as {
    locals?: Record<string, Block>;
    import?: Block[];
    moved?: Block[];
  };
  const locals = blocks.locals;
  for (const block of blocks.import ?? []) {
    if (block.for_each === undefined) imports.add(String(block.to));
    // The carried variables: imported by key, each only if it still exists.
    else
      for (const key of Object.keys(locals?.carried_variables ?? {}))
        imports.add(addressOf(RESOURCES.variable, key));
  }
  const forgets = new Set((blocks.moved ?? []).map((block) => String(block.from)));
  return { declared, imports, forgets };
}

/** Synthesizes at every synth of the session, and checks each stack against the model's reading of the plan. */
class CheckedSession extends Session {
  readonly stacks: Array<Record<string, SynthesizedStackJson>> = [];

  override synth(entries: readonly Entry[] = this.entries) {
    const [lock, record] = [this.lock, this.record];
    const plan = super.synth(entries);
    const stacks = synthStacksRaw(configText(entries), lock, undefined, record);
    this.stacks.push(stacks);
    expect(Object.keys(stacks).sort()).toEqual(plan.stacks.map((s) => s.name).sort());
    for (const [name, json] of Object.entries(stacks)) {
      const model = this.configOf(name);
      const { declared, imports, forgets } = declarationOf(json);
      expect([...declared].sort(), `${name} declares`).toEqual([...model.declared.keys()].sort());
      expect([...imports].sort(), `${name} imports`).toEqual([...model.imports.keys()].sort());
      expect([...forgets].sort(), `${name} forgets`).toEqual([...model.forgets].sort());
      const created = json.resource?.tfe_workspace?.created;
      expect(created !== undefined, `${name} guards created workspaces`).toBe(model.guards);
    }
    return plan;
  }

  last(): Record<string, SynthesizedStackJson> {
    const stacks = this.stacks.at(-1);
    if (stacks === undefined) throw new Error("no synth yet");
    return stacks;
  }
}

/** A `for_each` element of a stack: the values one instance is written with. */
function element(json: SynthesizedStackJson | undefined, resource: string, key: string): unknown {
  const [type = "", name = ""] = resource.split(".");
  const forEach = (json?.resource?.[type]?.[name] as Block | undefined)?.for_each as
    | Record<string, unknown>
    | undefined;
  return forEach?.[key];
}

describe("the synthesized stacks of a move", () => {
  it("declare, import and forget what the plan says at every step, and the kept members carry the joining stack's values", () => {
    const s = new CheckedSession();
    s.synth([app, web, other]);
    s.deployAll();
    s.synth([{ ...app, project: "Tools" }, { ...web, project: "Tools" }, other]);
    const stacks = s.last();
    for (const [resource, key] of [
      [RESOURCES.role, "ws_app"],
      [RESOURCES.attachment, "ws_app_ReadOnlyAccess"],
      [RESOURCES.variable, "ws_app_TFC_AWS_RUN_ROLE_ARN"],
      [RESOURCES.variable, "ws_web_TFC_AWS_RUN_ROLE_ARN"],
      [RESOURCES.workspace, "web"],
    ] as const) {
      const kept = element(stacks[APPS], resource, key);
      expect(kept, `${resource}["${key}"] in ${APPS}`).toBeDefined();
      expect(kept).toEqual(element(stacks[TOOLS], resource, key));
    }
    // The workspace is looked up alike: a deploy of either fails while it is not in Tools yet.
    const lookup = (name: string) =>
      (stacks[name]?.data?.tfe_workspace?.workspaces?.for_each as Record<string, unknown>)?.app;
    expect(lookup(APPS)).toEqual({
      pinned_id: "",
      project: "Tools",
      project_id: '${data.tfe_project.projects["project_Tools"].id}',
    });
    expect(lookup(APPS)).toEqual(lookup(TOOLS));
    // The created workspace goes to its new project from either stack, and both guard it.
    expect(stacks[APPS]?.resource?.tfe_workspace?.created?.lifecycle).toEqual({
      prevent_destroy: true,
    });
    // The variables are written after the roles, created or imported.
    expect(stacks[TOOLS]?.resource?.tfe_variable?.variables?.depends_on).toEqual([
      "aws_iam_role.roles",
    ]);
    s.deploy(TOOLS);
    s.synth();
    s.deploy(APPS);
    s.synth();
    s.synth([{ ...web, project: "Tools" }, other]);
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });

  it("declare, import and forget what the plan says along a move to another account", () => {
    const s = new CheckedSession();
    s.synth([app, other]);
    s.deployAll();
    s.synth([{ ...app, account: "dev" }, other]);
    // The kept variable names the role prod.Apps keeps, by its ARN in prod.
    expect(element(s.last()[APPS], RESOURCES.variable, "ws_app_TFC_AWS_RUN_ROLE_ARN")).toEqual({
      key: "TFC_AWS_RUN_ROLE_ARN",
      value: "arn:aws:iam::111122223333:role/tfc-acme-app",
      variable_set_id: null,
      workspace_id: '${data.tfe_workspace.workspaces["app"].id}',
    });
    s.deploy("hcp-aws-trust-dev.Apps");
    s.deploy(APPS);
    s.synth();
    s.deploy("hcp-aws-trust-dev.Apps");
    s.synth();
    s.fullDeploy();
    expect(s.world.violations).toEqual([]);
    expect(s.settledProblems()).toEqual([]);
  });
});
