import { describe, expect, it } from "vitest";
import { rolesOfStack, SynthOutputError } from "../lib/synth-output";

const trust = (federated: string, extra = "") =>
  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${federated}"},"Action":"sts:AssumeRoleWithWebIdentity"${extra}}]}`;

function stack(assumeRolePolicy: string, region = "us-east-1") {
  return {
    provider: { aws: [{ region }] },
    resource: {
      aws_iam_openid_connect_provider: { hcp: { url: "https://tfe.example.com" } },
      aws_iam_role: { ws_app: { name: "tfc-acme-app", assume_role_policy: assumeRolePolicy } },
    },
  };
}

describe("rolesOfStack", () => {
  it("resolves the created provider's reference to its ARN in the account to be deployed to", () => {
    const [role] = rolesOfStack("s", stack(trust("${aws_iam_openid_connect_provider.hcp.arn}")));
    expect(role).toMatchObject({
      stack: "s",
      address: "aws_iam_role.ws_app",
      name: "tfc-acme-app",
      arn: "arn:aws:iam::000000000000:role/tfc-acme-app",
      accountId: "000000000000",
    });
    expect(role?.trustPolicy.Statement[0]?.Principal).toEqual({
      Federated: "arn:aws:iam::000000000000:oidc-provider/tfe.example.com",
    });
  });

  it("places the role in the account of a reused provider, and in the region's partition", () => {
    const arn = "arn:aws-cn:iam::444455556666:oidc-provider/tfe.example.com";
    const [role] = rolesOfStack("s", stack(trust(arn), "cn-north-1"));
    expect(role?.arn).toBe("arn:aws-cn:iam::444455556666:role/tfc-acme-app");
    expect(role?.partition).toBe("aws-cn");
  });

  it("undoes Terraform's escapes, giving the text AWS receives", () => {
    const [role] = rolesOfStack(
      "s",
      stack(trust("${aws_iam_openid_connect_provider.hcp.arn}", ',"Sid":"$${x}%%{y}"')),
    );
    expect(role?.trustPolicy.Statement[0]?.Sid).toBe("${x}%{y}");
  });

  it("fails on a reference it cannot evaluate", () => {
    expect(() =>
      rolesOfStack("s", stack(trust("${aws_iam_openid_connect_provider.other.arn}"))),
    ).toThrow(
      new SynthOutputError("s: aws_iam_role.ws_app refers to a missing OIDC provider 'other'"),
    );
    expect(() => rolesOfStack("s", stack(trust("${var.provider_arn}")))).toThrow(
      "holds a reference that cannot be evaluated: ${var.provider_arn}",
    );
  });
});
