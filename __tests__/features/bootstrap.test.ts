import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../../lib/config/load";
import { resource, synth, workspace } from "../helpers/synth";
import { EXAMPLES, problemsOf, variablesOf } from "./helpers";

describe("bootstrapping new workspaces", () => {
  const dir = join(EXAMPLES, "bootstrap");

  it("creates each workspace in its project and points the variables at it", () => {
    const stack = synth(stringify(loadConfig(dir).config));
    for (const name of ["payments-api", "payments-worker"]) {
      expect(resource(stack, "tfe_workspace", `created["${name}"]`)).toMatchObject({
        name,
        organization: "acme-corp",
        project_id: '${data.tfe_project.projects["project_Payments"].id}',
        lifecycle: { prevent_destroy: true },
      });
      expect(variablesOf(stack, `\${tfe_workspace.created["${name}"].id}`)).toEqual({
        TFC_AWS_PROVIDER_AUTH: "true",
        TFC_AWS_RUN_ROLE_ARN: `\${aws_iam_role.roles["ws_${name}"].arn}`,
      });
    }
    expect(Object.keys(stack.data?.tfe_project ?? {})).toEqual(['projects["project_Payments"]']);
    expect(stack.data?.tfe_workspace).toBeUndefined();
  });

  it("needs a project to create a workspace in", () => {
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        workspaces: [workspace("new", { create: true })],
      }),
    ).toContain(
      'workspaces[0].project: workspace "new" has create: true, so it needs a project to be created in',
    );
  });
});
