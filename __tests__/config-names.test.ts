import { describe, expect, it } from "vitest";
import {
  audienceProblem,
  hostnameProblem,
  nameProblem,
  ORGANIZATION_NAME,
  PROJECT_NAME,
  WORKSPACE_NAME,
  workspaceNameProblem,
} from "../lib/config/names";
import { problemsOf } from "./features/helpers";
import { baseConfig, synth, synthStacks, workspace } from "./helpers/synth";

describe("workspace names", () => {
  it.each([["networking-prod"], ["a"], ["App_Prod-2"], ["1st-workspace"], ["w".repeat(90)]])(
    "accepts %j",
    (name) => {
      expect(nameProblem(name, WORKSPACE_NAME)).toBeUndefined();
    },
  );

  it.each([
    ["app*", "'*' would act as a wildcard"],
    ["app?", "'?' would act as a wildcard"],
    ["*", "'*' would act as a wildcard"],
    ["app:prod", "':' separates the fields"],
    ["app prod", 'contains " "'],
    ["app.prod", 'contains "."'],
    ["app/prod", 'contains "/"'],
    ["", "is 0 characters long"],
    ["w".repeat(91), "is 91 characters long"],
  ])("rejects %j, saying %s", (name, why) => {
    const problem = nameProblem(name, WORKSPACE_NAME);
    expect(problem).toContain(why);
    expect(problem).toContain(JSON.stringify(name));
    expect(problem).toContain("1 to 90 characters: letters, digits, '-' and '_'");
  });
});

describe("workspace names that key a for_each map", () => {
  it.each([["__proto__"], ["toString"]])("refuse %j, naming it and the allowed form", (name) => {
    const problem = workspaceNameProblem(name);
    expect(problem).toContain(`${JSON.stringify(name)} cannot be managed here`);
    expect(problem).toContain("1 to 90 characters: letters, digits, '-' and '_'");
    expect(() => synth(baseConfig({ workspaces: [workspace(name)] }))).toThrow(
      `workspaces[0].name: ${JSON.stringify(name)} cannot be managed here`,
    );
  });

  it.each([["tostring"], ["proto"], ["_proto_"], ["constructor"], ["valueOf"], ["hasOwnProperty"]])(
    "accept %j, and key its lookup and variables by it",
    (name) => {
      expect(workspaceNameProblem(name)).toBeUndefined();
      const stack = synth(baseConfig({ workspaces: [workspace(name)] }));
      expect(Object.keys(stack.data?.tfe_workspace ?? {})).toEqual([`workspaces["${name}"]`]);
      expect(
        stack.resource?.tfe_variable?.[`variables["ws_${name}_TFC_AWS_RUN_ROLE_ARN"]`],
      ).toMatchObject({
        workspace_id: `\${data.tfe_workspace.workspaces["${name}"].id}`,
      });
    },
  );

  it("still reports the ordinary problems of a name first", () => {
    expect(workspaceNameProblem("app*")).toBe(nameProblem("app*", WORKSPACE_NAME));
  });
});

describe("project names", () => {
  it.each([["Default Project"], ["abc"], ["Team A - Apps_2"], ["p".repeat(40)]])(
    "accepts %j",
    (name) => {
      expect(nameProblem(name, PROJECT_NAME)).toBeUndefined();
    },
  );

  it.each([
    ["ab", "is 2 characters long"],
    ["p".repeat(41), "is 41 characters long"],
    [" Apps", "starts or ends with a space"],
    ["Apps ", "starts or ends with a space"],
    ["App*", "'*' would act as a wildcard"],
    ["Apps?", "'?' would act as a wildcard"],
    ["Apps:x", "':' separates the fields"],
    ["Apps\tx", 'contains "\\t"'],
  ])("rejects %j, saying %s", (name, why) => {
    const problem = nameProblem(name, PROJECT_NAME);
    expect(problem).toContain(why);
    expect(problem).toContain("inner spaces");
  });
});

describe("project names that differ only in case", () => {
  const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
  const config = (extra: Record<string, unknown>) => ({
    hcp: { organization: "acme" },
    aws: { region: "us-east-1" },
    ...extra,
  });
  const why =
    "HCP Terraform project names are unique without regard to case, so both name one project, whose runs' tokens carry its name as HCP Terraform spells it (a role trusting the other spelling admits none of them): write it the same way everywhere";

  it.each([
    [
      "two workspaces",
      config({
        workspaces: [
          { name: "a", project: "Payments", policyArns: READ },
          { name: "b", project: "payments", policyArns: READ },
        ],
      }),
      `workspaces[1].project: project "payments" differs only in case from "Payments" (workspaces[0].project); ${why}`,
    ],
    [
      "a workspace and a project-wide role",
      config({
        workspaces: [{ name: "a", project: "Payments", policyArns: READ }],
        projects: [{ name: "PAYMENTS", policyArns: READ }],
      }),
      `projects[0].name: project "PAYMENTS" differs only in case from "Payments" (workspaces[0].project)`,
    ],
    [
      "a workspace and a Stack",
      config({
        workspaces: [{ name: "a", project: "Payments", policyArns: READ }],
        stacks: [{ name: "net", project: "payments", deployments: ["prod"], policyArns: READ }],
      }),
      `stacks[0].project: project "payments" differs only in case from "Payments" (workspaces[0].project)`,
    ],
  ])("are refused in %s, naming both fields", (_, input, expected) => {
    expect(problemsOf(input)).toContain(expected);
  });

  it("are one stack when spelled alike", () => {
    const stacks = synthStacks(
      config({
        workspaces: [
          { name: "a", project: "Payments", policyArns: READ },
          { name: "b", project: "Payments", policyArns: READ },
        ],
        projects: [{ name: "Payments", policyArns: READ }],
      }),
    );
    expect(Object.keys(stacks).sort()).toEqual([
      "hcp-aws-trust-default",
      "hcp-aws-trust-default.Payments",
    ]);
  });
});

describe("organization names", () => {
  it("accepts letters, digits, '-' and '_'", () => {
    expect(nameProblem("acme_corp-2", ORGANIZATION_NAME)).toBeUndefined();
  });

  it.each([["acme corp"], ["acme*"], ["acme?"], ["acme:x"], [""]])("rejects %j", (name) => {
    expect(nameProblem(name, ORGANIZATION_NAME)).toMatch(/organization name/);
  });
});

describe("hostnames", () => {
  it.each([["app.terraform.io"], ["tfe.example.com"], ["tfe-1.internal.example.co.uk"]])(
    "accepts %j",
    (host) => {
      expect(hostnameProblem(host)).toBeUndefined();
    },
  );

  it.each([
    ["https://app.terraform.io", "without scheme or path"],
    ["app.terraform.io/", "without scheme or path"],
    ["App.Terraform.io", "lowercase DNS name"],
    ["localhost", "lowercase DNS name"],
    ["*.terraform.io", "lowercase DNS name"],
    ["-tfe.example.com", "lowercase DNS name"],
  ])("rejects %j, saying %s", (host, why) => {
    expect(hostnameProblem(host)).toContain(why);
  });
});

describe("audiences", () => {
  it.each([["aws.workload.identity"], ["sts.amazonaws.com"], ["a".repeat(255)]])(
    "accepts %j",
    (audience) => {
      expect(audienceProblem(audience)).toBeUndefined();
    },
  );

  it.each([
    ["aws.*", "contains a wildcard"],
    ["aws.workload?", "contains a wildcard"],
    ["", "not a valid audience"],
    ["a".repeat(256), "not a valid audience"],
    ["aws workload", "not a valid audience"],
  ])("rejects %j, saying %s", (audience, why) => {
    expect(audienceProblem(audience)).toContain(why);
  });
});
