import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/config/load";
import { reportMarkdown } from "../../lib/report/markdown";
import { buildReport } from "../../lib/report/model";
import { checkRules } from "../../lib/rules/engine";
import { buildApp } from "../../stacks/app";
import { readConfigText, resource, synth, tempDir, workspace } from "../helpers/synth";
import { example, exampleConfig, problemsOf, READ_ONLY, trustOf, variablesOf } from "./helpers";

describe("project-wide roles", () => {
  const stack = synth(example("project-roles.yaml"));
  const dataPlatform = Object.keys(stack.resource?.aws_iam_role ?? {}).filter((name) =>
    name.startsWith('roles["project_Data_Platform'),
  );

  it("give the project one role that every workspace of the project may assume", () => {
    const role = resource(stack, "aws_iam_role", 'roles["project_Apps"]');
    expect(role.name).toBe("tfc-acme-corp-project-Apps");
    expect(trustOf(stack, 'roles["project_Apps"]').Condition.StringLike).toEqual({
      "app.terraform.io:sub": "organization:acme-corp:project:Apps:workspace:*:run_phase:*",
    });
  });

  it("handle project names with spaces and split phases", () => {
    expect(dataPlatform).toHaveLength(2);
    const plan = dataPlatform.find((name) => name.endsWith('_plan"]')) ?? "";
    expect(resource(stack, "aws_iam_role", plan).name).toMatch(
      /^tfc-acme-corp-project-Data-Platform-[0-9a-f]{6}-plan$/,
    );
    expect(trustOf(stack, plan).Condition.StringLike).toEqual({
      "app.terraform.io:sub":
        "organization:acme-corp:project:Data Platform:workspace:*:run_phase:plan",
    });
  });

  it("put the variables in a variable set attached to the project, looked up by name", () => {
    expect(stack.data?.tfe_project?.['projects["project_Apps"]']).toMatchObject({
      name: "Apps",
      organization: "acme-corp",
    });
    expect(resource(stack, "tfe_variable_set", 'projects["project_Apps"]')).toMatchObject({
      name: "hcp-aws-trust: Apps",
      organization: "acme-corp",
      priority: false,
    });
    expect(resource(stack, "tfe_project_variable_set", 'projects["project_Apps"]')).toMatchObject({
      project_id: '${data.tfe_project.projects["project_Apps"].id}',
      variable_set_id: '${tfe_variable_set.projects["project_Apps"].id}',
    });
    expect(variablesOf(stack, '${tfe_variable_set.projects["project_Apps"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["project_Apps"].arn}',
    });
  });

  it("warn, on every synth, when a workspace of the project keeps its own role, and say the project's role still admits it", () => {
    const { warnings, errors } = checkRules(parseConfig(example("project-roles.yaml")));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      {
        rule: "workspace-role-overrides-project",
        path: "projects[0]",
        message:
          "project \"Apps\" has a project-wide role, and workspaces of it have roles of their own: apps-billing (workspaces[0]). A workspace's own variables win over the project's variable set, so its plan and apply runs use its own role; but the project's role still admits its tokens too (it trusts every workspace of the project), so whoever can change the workspace's variables or code can have its runs use the project's role. To accept this, list them under acknowledgeOwnRoles on the project",
      },
    ]);
    expect(variablesOf(stack, '${data.tfe_workspace.workspaces["apps-billing"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["ws_apps-billing"].arn}',
    });
  });

  it("name a workspace's own role for plan and apply too when the project's role is split", () => {
    const own = synth({
      hcp: { organization: "acme" },
      aws: { region: "us-east-1" },
      projects: [
        {
          name: "Data",
          plan: { policyArns: [READ_ONLY] },
          apply: { policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
        },
      ],
      workspaces: [workspace("etl", { project: "Data" }), workspace("other")],
    });
    const etl = '${aws_iam_role.roles["ws_etl"].arn}';
    // The project's set carries TFC_AWS_PLAN_ROLE_ARN and TFC_AWS_APPLY_ROLE_ARN; without its own,
    // the workspace's runs would take the project's plan and apply roles.
    expect(variablesOf(own, '${data.tfe_workspace.workspaces["etl"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: etl,
      TFC_AWS_PLAN_ROLE_ARN: etl,
      TFC_AWS_APPLY_ROLE_ARN: etl,
    });
    expect(
      Object.keys(variablesOf(own, '${tfe_variable_set.projects["project_Data"].id}')),
    ).toEqual(["TFC_AWS_APPLY_ROLE_ARN", "TFC_AWS_PLAN_ROLE_ARN", "TFC_AWS_PROVIDER_AUTH"]);
    // A workspace outside the project keeps its run role only.
    expect(variablesOf(own, '${data.tfe_workspace.workspaces["other"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["ws_other"].arn}',
    });
  });

  it("take an acknowledgement on the project: the synth prints no warning, and the report lists it instead", () => {
    const data = exampleConfig("project-roles.yaml") as {
      projects: Array<Record<string, unknown>>;
    };
    data.projects[0] = { ...data.projects[0], acknowledgeOwnRoles: ["apps-billing"] };
    const { config, locate } = readConfigText(data);
    const { plan, warnings, acknowledged } = buildApp(config, { outdir: tempDir("ack-"), locate });
    expect(warnings).toEqual([]);
    expect(acknowledged).toEqual([
      expect.stringMatching(
        /^trust\.yaml line \d+: projects\[0\]\.acknowledgeOwnRoles: \[workspace-role-overrides-project\] project "Apps" has a project-wide role, and workspaces of it have roles of their own, acknowledged: apps-billing \(workspaces\[0\]\)\./,
      ),
    ]);
    const markdown = reportMarkdown(buildReport(plan, warnings, undefined, acknowledged));
    expect(markdown).not.toContain("## Warnings");
    expect(markdown).toContain("## Acknowledged");
    expect(markdown).toContain("acknowledged: apps-billing (workspaces[0])");
  });

  it.each([
    [
      "a workspace of another project",
      ["elsewhere"],
      'projects[0].acknowledgeOwnRoles[0]: "elsewhere" is not a workspace of project "Apps" with a role of its own; list only those: apps-billing',
    ],
    [
      "a workspace the config does not list",
      ["apps-gone"],
      'projects[0].acknowledgeOwnRoles[0]: "apps-gone" is not a workspace of project "Apps" with a role of its own; list only those: apps-billing',
    ],
    [
      "a workspace listed twice",
      ["apps-billing", "apps-billing"],
      'projects[0].acknowledgeOwnRoles[1]: "apps-billing" is listed twice (also at acknowledgeOwnRoles[0])',
    ],
  ])(
    "refuse an acknowledgement of %s, naming the field, the value and what it may list",
    (_, names, expected) => {
      expect(
        problemsOf({
          hcp: { organization: "acme" },
          aws: { region: "us-east-1" },
          projects: [{ name: "Apps", policyArns: [READ_ONLY], acknowledgeOwnRoles: names }],
          workspaces: [
            workspace("apps-billing", { project: "Apps" }),
            workspace("elsewhere", { project: "Tools" }),
          ],
        }),
      ).toContain(expected);
    },
  );

  it("fail on a project listed twice", () => {
    const project = { name: "Apps", policyArns: [READ_ONLY] };
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        projects: [project, { ...project, name: "apps" }],
      }),
    ).toContain('projects[1].name: project "apps" is listed twice (also at projects[0])');
  });
});
