import { describe, expect, it } from "vitest";
import { admittedBeyond, globWithin, samePolicy } from "../../lib/live/policy-compare";

const PROVIDER = "arn:aws:iam::111122223333:oidc-provider/app.terraform.io";
const SUB = "organization:acme:project:Default Project:workspace:app:run_phase:*";
const scope = {
  providerArn: PROVIDER,
  host: "app.terraform.io",
  audience: "aws.workload.identity",
  subject: SUB,
};

const trust = (
  condition: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): { Version: string; Statement: Array<Record<string, unknown>> } => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: PROVIDER },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: condition,
      ...extra,
    },
  ],
});
const pinned = (sub: unknown, op = "StringLike") => {
  const condition: Record<string, Record<string, unknown>> = {
    StringEquals: { "app.terraform.io:aud": "aws.workload.identity" },
  };
  condition[op] = { ...condition[op], "app.terraform.io:sub": sub };
  return condition;
};

describe("policies compared as IAM reads them", () => {
  it("treats a value and a one-element list, reordered values and condition key case as the same", () => {
    const a = trust(pinned([SUB, "x"]));
    const b = {
      Statement: [
        {
          Condition: {
            StringLike: { "App.Terraform.io:SUB": ["x", SUB] },
            StringEquals: { "app.terraform.io:aud": ["aws.workload.identity"] },
          },
          Action: ["STS:AssumeRoleWithWebIdentity"],
          Principal: { Federated: [PROVIDER] },
          Effect: "Allow",
        },
      ],
      Version: "2012-10-17",
    };
    expect(samePolicy(a, b)).toBe(true);
  });

  it("tells apart another subject, another effect and an extra statement", () => {
    const base = trust(pinned(SUB));
    expect(samePolicy(base, trust(pinned(`${SUB}x`)))).toBe(false);
    expect(samePolicy(base, trust(pinned(SUB), { Effect: "Deny" }))).toBe(false);
    expect(samePolicy(base, { ...base, Statement: [...base.Statement, ...base.Statement] })).toBe(
      false,
    );
  });
});

describe("what a live trust admits beyond the planned one", () => {
  it("admits nothing more when it is the planned trust, or narrower (one phase, a literal sub)", () => {
    expect(admittedBeyond(trust(pinned(SUB)), scope)).toEqual([]);
    expect(
      admittedBeyond(trust(pinned(SUB.replace("run_phase:*", "run_phase:plan"))), scope),
    ).toEqual([]);
    expect(admittedBeyond(trust(pinned(SUB.replace("*", "apply"), "StringEquals")), scope)).toEqual(
      [],
    );
  });

  it("names other subjects, other audiences, a missing condition and other principals", () => {
    expect(
      admittedBeyond(trust(pinned("organization:acme:project:*:workspace:app:run_phase:*")), scope),
    ).toEqual(["subject organization:acme:project:*:workspace:app:run_phase:*"]);
    expect(admittedBeyond(trust({ StringLike: { "app.terraform.io:sub": SUB } }), scope)).toEqual([
      "tokens of any audience",
    ]);
    expect(
      admittedBeyond(
        trust({
          StringEquals: { "app.terraform.io:aud": ["aws.workload.identity", "sts.amazonaws.com"] },
        }),
        scope,
      ),
    ).toEqual(["audience sts.amazonaws.com", "tokens of any subject"]);
    expect(admittedBeyond(trust(pinned(SUB), { Principal: { AWS: "*" } }), scope)).toEqual([
      "principal AWS *",
    ]);
    expect(admittedBeyond(trust(pinned(SUB), { Principal: "*" }), scope)).toEqual(["principal *"]);
  });

  it("ignores Deny statements, which only narrow", () => {
    const doc = trust(pinned(SUB));
    doc.Statement.push({ Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:*", Condition: {} });
    expect(admittedBeyond(doc, scope)).toEqual([]);
  });
});

describe("one sub pattern within another", () => {
  it.each([
    ["a literal the wide pattern matches", "a:b:plan", "a:b:*", false, true],
    ["the same pattern", "a:*", "a:*", true, true],
    ["a narrower wildcard", "a:b?", "a:*", true, true],
    ["a wildcard where the wide one has a literal", "a:*", "a:b", true, false],
    ["a * where the wide one has only ?", "a*", "a?", true, false],
    ["a * taken literally (StringEquals)", "a*", "a?", false, true],
    ["a longer literal", "a:bc", "a:b", false, false],
  ])("%s", (_what, narrow, wide, glob, within) => {
    expect(globWithin(narrow, wide, glob)).toBe(within);
  });
});
