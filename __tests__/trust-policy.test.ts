import { describe, expect, it } from "vitest";
import { fieldCountGuard, subjectPattern, trustPolicyJson } from "../lib/trust-policy";

describe("subjectPattern", () => {
  it("names organization, project and workspace, with both run phases", () => {
    expect(
      subjectPattern({ organization: "acme", project: "Default Project", workspace: "app" }),
    ).toBe("organization:acme:project:Default Project:workspace:app:run_phase:*");
  });

  it("matches any project when none is given", () => {
    expect(subjectPattern({ organization: "acme", workspace: "app" })).toBe(
      "organization:acme:project:*:workspace:app:run_phase:*",
    );
  });
});

describe("trustPolicyJson", () => {
  const props = {
    hostname: "app.terraform.io",
    audience: "aws.workload.identity",
    subject: "organization:acme:project:*:workspace:app:run_phase:*",
  };

  it("writes the provider ARN as given, so a Terraform reference stays a reference", () => {
    const json = trustPolicyJson({
      ...props,
      providerArn: "${aws_iam_openid_connect_provider.hcp.arn}",
    });
    expect(JSON.parse(json).Statement[0].Principal.Federated).toBe(
      "${aws_iam_openid_connect_provider.hcp.arn}",
    );
  });

  it("escapes template sequences anywhere else", () => {
    const json = trustPolicyJson({
      ...props,
      audience: "a${b}",
      providerArn: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
    });
    expect(JSON.parse(json).Statement[0].Condition.StringEquals["app.terraform.io:aud"]).toBe(
      "a$${b}",
    );
  });

  it("is minified JSON, the form IAM counts against its size limit", () => {
    const json = trustPolicyJson({
      ...props,
      providerArn: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
    });
    expect(json).toBe(JSON.stringify(JSON.parse(json)));
  });
});

describe("fieldCountGuard", () => {
  it("refuses a sub with one field separator more than a workspace pattern holds", () => {
    expect(
      fieldCountGuard("organization:acme:project:*:workspace:app:run_phase:*")?.split(":"),
    ).toHaveLength(9);
  });

  it("refuses a sub with one field separator more than a Stack pattern holds", () => {
    expect(
      fieldCountGuard("organization:acme:project:P:stack:s:deployment:*:operation:*")?.split(":"),
    ).toHaveLength(11);
  });

  it("is not needed for an exact sub, which admits only itself", () => {
    expect(fieldCountGuard("organization:acme:module:vpc:operation:test_run")).toBeUndefined();
  });

  it("is written beside the pattern it guards, on the same key", () => {
    const json = trustPolicyJson({
      hostname: "app.terraform.io",
      audience: "aws.workload.identity",
      providerArn: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
      subject: "organization:acme:project:*:workspace:app:run_phase:*",
    });
    expect(JSON.parse(json).Statement[0].Condition.StringNotLike).toEqual({
      "app.terraform.io:sub": "*:*:*:*:*:*:*:*:*",
    });
  });
});
