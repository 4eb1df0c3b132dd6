import { describe, expect, it } from "vitest";
import { resource, synth, workspace } from "../helpers/synth";
import { example, problemsOf } from "./helpers";

describe("role options", () => {
  const stack = synth(example("role-options.yaml"));

  it("apply defaults and per-entry overrides to the role", () => {
    const role = resource(stack, "aws_iam_role", 'roles["ws_legacy-app"]');
    expect(role).toMatchObject({
      name: "legacy-terraform-role",
      path: "/hcp-terraform/",
      permissions_boundary: "arn:aws:iam::111122223333:policy/TerraformBoundary",
      max_session_duration: 3600,
      description: "Terraform runs of legacy-app",
      tags: {
        CostCenter: "platform",
        Owner: "team-legacy",
        ManagedBy: "hcp-aws-trust",
        HcpOrganization: "acme-corp",
        HcpProject: "Default Project",
        HcpWorkspace: "legacy-app",
      },
    });
  });

  const withOption = (options: Record<string, unknown>) => ({
    hcp: { organization: "acme" },
    aws: { region: "us-east-1" },
    workspaces: [workspace("app", options)],
  });

  it.each([[3600], [43_200]])("accept maxSessionDuration %d", (seconds) => {
    expect(
      resource(
        synth(withOption({ maxSessionDuration: seconds })),
        "aws_iam_role",
        'roles["ws_app"]',
      ).max_session_duration,
    ).toBe(seconds);
  });

  it.each([
    [{ maxSessionDuration: 3599 }, "maxSessionDuration is 3599 seconds; IAM allows 3600 to 43200"],
    [
      { maxSessionDuration: 43_201 },
      "maxSessionDuration is 43201 seconds; IAM allows 3600 to 43200",
    ],
    [{ maxSessionDuration: 3600.5 }, "maxSessionDuration is a whole number of seconds"],
    [{ roleName: "my role" }, '"my role" is not a valid IAM role name'],
    [{ roleName: "r".repeat(65) }, "is not a valid IAM role name"],
    [{ path: "/no-trailing-slash" }, 'is not a valid IAM path; it starts and ends with "/"'],
    [{ path: "relative/" }, "is not a valid IAM path"],
    [{ permissionsBoundary: "TerraformBoundary" }, "is not a managed policy ARN"],
    [{ tags: { ManagedBy: "me" } }, "tag ManagedBy is written by this app on every role"],
    [{ tags: { "aws:x": "y" } }, 'uses the prefix "aws:", which AWS reserves'],
    [{ tags: { Owner: "a*b" } }, 'tag value "a*b" is not valid'],
    [{ description: "x".repeat(1001) }, "at most 1000 characters"],
  ])("refuse the role options %j, naming the field and the allowed form", (options, expected) => {
    expect(problemsOf(withOption(options))).toContain(expected);
  });

  it("fail on more than 50 tags, counting the ones this app writes", () => {
    const tags = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
    // The role also gets ManagedBy, HcpOrganization and HcpWorkspace.
    expect(() => synth(withOption({ tags: tags(47) }))).not.toThrow();
    expect(problemsOf(withOption({ tags: tags(48) }))).toContain(
      "would carry 51 tags (with the ones this app writes); IAM allows 50",
    );
  });

  it("fail when a roleName override takes another role's name", () => {
    const config = {
      hcp: { organization: "acme" },
      aws: { region: "us-east-1" },
      workspaces: [workspace("app"), workspace("web", { roleName: "TFC-ACME-APP" })],
    };
    expect(problemsOf(config)).toContain(
      "workspaces[1]: [unique-role-names] role name TFC-ACME-APP is also the name of the role of workspaces[0] in account default; set roleName on one of them",
    );
  });
});
