import { describe, expect, it } from "vitest";
import { rolesOfStack, SynthOutputError } from "../lib/synth-output";

/** The provider's ARN as a project stack writes it when the account ID is not known. */
const DERIVED =
  "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/tfe.example.com";

const trust = (federated: string, extra = "") =>
  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${federated}"},"Action":"sts:AssumeRoleWithWebIdentity"${extra}}]}`;

function stack(assumeRolePolicy: string, region = "us-east-1", allowedAccountIds?: string[]) {
  return {
    provider: {
      aws: [{ region, ...(allowedAccountIds ? { allowed_account_ids: allowedAccountIds } : {}) }],
    },
    data: { aws_caller_identity: { current: {} }, aws_partition: { current: {} } },
    resource: {
      aws_iam_role: {
        'roles["ws_app"]': { name: "tfc-acme-app", assume_role_policy: assumeRolePolicy },
      },
    },
  };
}

describe("rolesOfStack", () => {
  it("resolves the deploying account's partition and ID in the provider's ARN, to the account to be deployed to", () => {
    const [role] = rolesOfStack("s", stack(trust(DERIVED)));
    expect(role).toMatchObject({
      stack: "s",
      address: 'aws_iam_role.roles["ws_app"]',
      name: "tfc-acme-app",
      arn: "arn:aws:iam::000000000000:role/tfc-acme-app",
      partition: "aws",
      accountId: "000000000000",
    });
    expect(role?.trustPolicy.Statement[0]?.Principal).toEqual({
      Federated: "arn:aws:iam::000000000000:oidc-provider/tfe.example.com",
    });
  });

  it("places the role in the one account its AWS provider accepts, and in the region's partition", () => {
    const [role] = rolesOfStack("s", stack(trust(DERIVED), "cn-north-1", ["111122223333"]));
    expect(role?.arn).toBe("arn:aws-cn:iam::111122223333:role/tfc-acme-app");
    expect(role?.trustPolicy.Statement[0]?.Principal).toEqual({
      Federated: "arn:aws-cn:iam::111122223333:oidc-provider/tfe.example.com",
    });
  });

  it("places the role in the account of a reused provider, and in the region's partition", () => {
    const arn = "arn:aws-cn:iam::444455556666:oidc-provider/tfe.example.com";
    const [role] = rolesOfStack("s", stack(trust(arn), "cn-north-1"));
    expect(role?.arn).toBe("arn:aws-cn:iam::444455556666:role/tfc-acme-app");
    expect(role?.partition).toBe("aws-cn");
  });

  it("undoes Terraform's escapes, giving the text AWS receives", () => {
    const [role] = rolesOfStack("s", stack(trust(DERIVED, ',"Sid":"$${x}%%{y}"')));
    expect(role?.trustPolicy.Statement[0]?.Sid).toBe("${x}%{y}");
  });

  it("fails on a reference it cannot evaluate, naming the role", () => {
    // Project stacks never read the provider of another stack, so a reference to it is an error.
    expect(() =>
      rolesOfStack("s", stack(trust("${aws_iam_openid_connect_provider.hcp.arn}"))),
    ).toThrow(
      new SynthOutputError(
        's: the trust policy of aws_iam_role.roles["ws_app"] holds a reference that cannot be evaluated: ${aws_iam_openid_connect_provider.hcp.arn}',
      ),
    );
    expect(() => rolesOfStack("s", stack(trust("${var.provider_arn}")))).toThrow(
      "holds a reference that cannot be evaluated: ${var.provider_arn}",
    );
  });
});
