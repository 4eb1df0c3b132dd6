import { describe, expect, it } from "vitest";
import { synthStacks, workspace } from "../helpers/synth";
import { example, problemsOf } from "./helpers";

describe("where the state lives", () => {
  it("is a local file per stack by default", () => {
    const stacks = synthStacks(example("split-roles.yaml"));
    expect(stacks["hcp-aws-trust-default.Networking"]?.terraform?.backend).toEqual({
      local: {
        path: expect.stringMatching(/terraform\.hcp-aws-trust-default\.Networking\.tfstate$/),
      },
    });
  });

  it("is an HCP Terraform workspace per stack with backend cloud", () => {
    const stacks = synthStacks(example("backend-cloud.yaml"));
    expect(stacks["hcp-aws-trust-default.Default-Project-13c060"]?.terraform?.cloud).toEqual({
      hostname: "app.terraform.io",
      organization: "acme-corp",
      // HCP Terraform workspace names hold only letters, digits, "-" and "_": the stack name's "."
      // becomes "_", and a hash of the stack name keeps two stacks from sharing a workspace.
      workspaces: {
        name: "aws-trust-hcp-aws-trust-default_Default-Project-13c060-f35aa470",
        project: "Platform",
      },
    });
    expect(stacks["hcp-aws-trust-default"]?.terraform?.cloud).toMatchObject({
      workspaces: { name: "aws-trust-hcp-aws-trust-default" },
    });
  });

  it("is an S3 object per stack with backend s3", () => {
    const stacks = synthStacks(example("backend-s3.yaml"));
    expect(stacks["hcp-aws-trust-default.Default-Project-13c060"]?.terraform?.backend).toEqual({
      s3: {
        bucket: "acme-terraform-state",
        key: "hcp-aws-trust/hcp-aws-trust-default.Default-Project-13c060.tfstate",
        region: "us-east-1",
        encrypt: true,
        dynamodb_table: "terraform-locks",
      },
    });
  });

  it("uses S3's lock file without a lock table, one key per stack", () => {
    const stacks = synthStacks({
      hcp: { organization: "acme" },
      accounts: { prod: { region: "us-east-1" } },
      backend: { s3: { bucket: "state-bucket", region: "eu-west-1" } },
      workspaces: [workspace("app")],
    });
    expect(stacks["hcp-aws-trust-prod"]?.terraform?.backend).toEqual({
      s3: {
        bucket: "state-bucket",
        key: "hcp-aws-trust/hcp-aws-trust-prod.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(stacks["hcp-aws-trust-prod.any.project"]?.terraform?.backend).toMatchObject({
      s3: { key: "hcp-aws-trust/hcp-aws-trust-prod.any.project.tfstate" },
    });
  });

  it.each([
    [
      { cloud: {}, s3: { bucket: "b-b-b", region: "us-east-1" } },
      "backend: give exactly one of cloud or s3",
    ],
    [{}, "backend: give exactly one of cloud or s3"],
    [
      { s3: { bucket: "Bad_Bucket", region: "us-east-1" } },
      "backend.s3.bucket: is not a valid S3 bucket name",
    ],
  ])("refuses the backend %j, naming the field and the allowed form", (backend, expected) => {
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        backend,
        workspaces: [workspace("app")],
      }),
    ).toContain(expected);
  });
});
