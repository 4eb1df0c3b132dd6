import { describe, expect, it } from "vitest";
import { expandBlock } from "../lib/for-each";

describe("expandBlock", () => {
  it("reads a for_each resource as one instance per key, with each.key and each.value put in", () => {
    const expanded = expandBlock({
      aws_iam_role: {
        roles: {
          for_each: {
            ws_a: { name: "tfc-a", tags: { T: "1" } },
            ws_b: { name: "tfc-b", tags: {} },
          },
          name: "${each.value.name}",
          tags: "${each.value.tags}",
          description: "role ${each.key} of ${each.value.name}",
        },
      },
    });
    expect(expanded).toEqual({
      aws_iam_role: {
        'roles["ws_a"]': { name: "tfc-a", tags: { T: "1" }, description: "role ws_a of tfc-a" },
        'roles["ws_b"]': { name: "tfc-b", tags: {}, description: "role ws_b of tfc-b" },
      },
    });
  });

  it("keeps each reference inside an expression an expression, and a literal a literal", () => {
    const expanded = expandBlock({
      aws_iam_role_policy_attachment: {
        attachments: {
          for_each: { ws_a_X: { role: "ws_a" } },
          role: "${aws_iam_role.roles[each.value.role].name}",
        },
      },
      tfe_workspace: {
        workspaces: {
          for_each: {
            a: { project_id: '${data.tfe_project.projects["p"].id}' },
            b: { project_id: null },
          },
          condition: "${each.value.project_id == null || self.project_id == each.value.project_id}",
        },
      },
    });
    expect(expanded.aws_iam_role_policy_attachment?.['attachments["ws_a_X"]']?.role).toBe(
      '${aws_iam_role.roles["ws_a"].name}',
    );
    const project = 'data.tfe_project.projects["p"].id';
    expect(expanded.tfe_workspace?.['workspaces["a"]']?.condition).toBe(
      `\${(${project}) == null || self.project_id == (${project})}`,
    );
    expect(expanded.tfe_workspace?.['workspaces["b"]']?.condition).toBe(
      "${null == null || self.project_id == null}",
    );
  });

  it("gives a missing attribute as null, and leaves escapes and other references as written", () => {
    const expanded = expandBlock({
      tfe_variable: {
        variables: {
          for_each: { k: { value: "a $${literal} b" } },
          value: "${each.value.value}",
          variable_set_id: "${each.value.variable_set_id}",
          workspace_id: '${data.tfe_workspace.workspaces["x"].id}',
        },
      },
    });
    expect(expanded.tfe_variable?.['variables["k"]']).toEqual({
      value: "a $${literal} b",
      variable_set_id: null,
      workspace_id: '${data.tfe_workspace.workspaces["x"].id}',
    });
  });

  it("leaves elements without for_each as they are", () => {
    const body = { url: "https://app.terraform.io" };
    expect(expandBlock({ tls_certificate: { hcp: body } })).toEqual({
      tls_certificate: { hcp: body },
    });
    expect(expandBlock(undefined)).toEqual({});
  });
});
