import { describe, expect, it } from "vitest";
import type { Pins } from "../../lib/plan/pins";
import { baseConfig, synthStacksRaw, workspace } from "../helpers/synth";
import { BuiltinWorkdir, resolveReferences, terraformVersion, twinOf } from "./builtin";

/*
 * The pins' postconditions as Terraform judges them, on `terraform_data` twins of the
 * synthesized lookups: each twin keeps the block's `for_each` map (with its literal pins) and
 * `lifecycle`, and its `input` stands for what HCP Terraform answers for the name now.
 */

const terraform = terraformVersion();
const needsTerraform = describe.skipIf(terraform.missing !== undefined);
if (terraform.missing !== undefined && process.env.CI === "true")
  throw new Error(`CI needs Terraform: ${terraform.missing}`);

type Block = Record<string, unknown>;
type Stack = { data?: Record<string, Record<string, Block>> };

const PINNED_WS = "ws-CCCCCCCCCCCCCCCC";
const PINNED_PRJ = "prj-BBBBBBBBBBBBBBBB";
const PINNED_ORG = "org-AAAAAAAAAAAAAAAA";
const pins: Pins = {
  version: 1,
  organization: "acme",
  hostname: "app.terraform.io",
  organizationId: PINNED_ORG,
  projects: { Apps: PINNED_PRJ },
  workspaces: { app: PINNED_WS },
};

/** The project stack of `Apps`, synthesized with the pins. */
function appsStack(): Stack {
  const config = baseConfig({
    workspaces: [workspace("app", { project: "Apps" }), workspace("web", { project: "Apps" })],
  });
  const stacks = synthStacksRaw(config, undefined, pins) as unknown as Record<string, Stack>;
  const stack = Object.entries(stacks).find(([name]) => name.endsWith(".Apps"))?.[1];
  if (stack === undefined) throw new Error("no stack of project Apps");
  return stack;
}

/** The project's ID, as the lookup of the project would give it (the pinned one). */
const projectIds = (reference: string) =>
  /^data\.tfe_project\.projects\["[^"]+"\]\.id$/.test(reference) ? PINNED_PRJ : undefined;

/** Applies twins of the stack's lookups, HCP Terraform answering `live` for each. */
function applyTwins(
  stack: Stack,
  live: { workspaces: Record<string, string>; project: string; organization: string | null },
) {
  const workspaces = stack.data?.tfe_workspace?.workspaces;
  const projects = stack.data?.tfe_project?.projects;
  const organization = stack.data?.tfe_organization?.organization;
  if (workspaces === undefined || projects === undefined || organization === undefined)
    throw new Error("a lookup is missing");
  const config = {
    resource: {
      terraform_data: {
        workspaces: twinOf(resolveReferences(workspaces, projectIds), {
          id: `\${lookup(${JSON.stringify(live.workspaces)}, each.key)}`,
          project_id: PINNED_PRJ,
        }),
        projects: twinOf(projects, { id: live.project }),
        organization: twinOf(organization, { external_id: live.organization }),
      },
    },
  };
  const dir = new BuiltinWorkdir().write(config);
  expect(dir.init().status).toBe(0);
  // Applied, so that the postconditions are judged on known values, as a data source's is at plan.
  return dir.run("apply", "-auto-approve", "-input=false");
}

const same = {
  workspaces: { app: PINNED_WS, web: "ws-WWWWWWWWWWWWWWWW" },
  project: PINNED_PRJ,
  organization: PINNED_ORG,
};

needsTerraform("Terraform refuses a name that now belongs to another object", () => {
  it("passes when every pinned name still belongs to its object, and an unpinned entry deploys", () => {
    const apply = applyTwins(appsStack(), same);
    expect(apply.output).not.toContain("Invalid template interpolation value");
    expect(apply.status, apply.output).toBe(0);
  });

  it("fails the plan of a workspace deleted and created again (or renamed, and its name reused), naming both IDs and the fix", () => {
    const apply = applyTwins(appsStack(), {
      ...same,
      workspaces: { ...same.workspaces, app: "ws-NEWNEWNEWNEWNEWN" },
    });
    expect(apply.status).toBe(1);
    const output = apply.output.replace(/\s+/g, " ");
    expect(output).toContain(
      `Workspace "app" is not the workspace its roles were made for: the pins file pins ${PINNED_WS}, but the name now belongs to ws-NEWNEWNEWNEWNEWN. The workspace was probably deleted and created again, or renamed and its name reused`,
    );
    expect(output).toContain('re-pin with "npm run doctor -- --pin"');
    expect(output).not.toContain('Workspace "web"');
  });

  it("fails the plan of a project whose name belongs to another project now", () => {
    const apply = applyTwins(appsStack(), { ...same, project: "prj-OTHEROTHEROTHER" });
    expect(apply.status).toBe(1);
    expect(apply.output.replace(/\s+/g, " ")).toContain(
      `Project "Apps" is not the project its roles were made for: the pins file pins ${PINNED_PRJ}, but the name now belongs to prj-OTHEROTHEROTHER.`,
    );
  });

  it.each([
    ["another organization", "org-NEWNEWNEWNEWNEWN", "org-NEWNEWNEWNEWNEWN"],
    ["an organization without an external ID", null, "an organization without an external ID"],
  ])("fails the plan when the organization's name belongs to %s now", (_, external, shown) => {
    const apply = applyTwins(appsStack(), { ...same, organization: external });
    expect(apply.status).toBe(1);
    const output = apply.output.replace(/\s+/g, " ");
    expect(output).toContain(
      `Organization "acme" is not the organization its roles were made for: the pins file pins ${PINNED_ORG}, but the name now belongs to ${shown}. The organization was probably deleted and its name registered again (on app.terraform.io anyone can register a free name)`,
    );
    expect(output).not.toContain("Invalid template interpolation value");
  });
});
