import { describe, expect, it } from "vitest";
import {
  DEFAULT_AWS_AUDIENCE,
  describeSource,
  effectiveAwsCredentials,
  effectiveEnvironment,
  type HcpVariable,
  type VariableSetInput,
  type WorkspaceVariablesInput,
} from "../lib/hcp/precedence";

const v = (key: string, value: string): HcpVariable => ({ key, value });
const set = (
  name: string,
  scope: VariableSetInput["scope"],
  variables: HcpVariable[],
  extra: Partial<VariableSetInput> = {},
): VariableSetInput => ({ name, scope, variables, ...extra });

/** The value that wins for key X among the given sources. */
function winner(input: WorkspaceVariablesInput): string | undefined {
  return effectiveEnvironment(input).get("X")?.value;
}

describe("variable precedence (one key, several sources)", () => {
  // Each row: the sources, and the value HCP Terraform's documented precedence picks.
  const cases: Array<[string, WorkspaceVariablesInput, string]> = [
    [
      "a workspace variable beats a project-scoped set",
      { workspace: [v("X", "ws")], variableSets: [set("p", "project", [v("X", "set")])] },
      "ws",
    ],
    [
      "a workspace variable beats a workspace-scoped set",
      { workspace: [v("X", "ws")], variableSets: [set("w", "workspace", [v("X", "set")])] },
      "ws",
    ],
    [
      "a workspace variable beats a global set",
      { workspace: [v("X", "ws")], variableSets: [set("g", "global", [v("X", "set")])] },
      "ws",
    ],
    [
      "a priority project-scoped set beats a workspace variable",
      {
        workspace: [v("X", "ws")],
        variableSets: [set("p", "project", [v("X", "prio")], { priority: true })],
      },
      "prio",
    ],
    [
      "a priority workspace-scoped set beats a workspace variable",
      {
        workspace: [v("X", "ws")],
        variableSets: [set("w", "workspace", [v("X", "prio")], { priority: true })],
      },
      "prio",
    ],
    [
      "a priority global set beats a priority project-scoped set",
      {
        workspace: [],
        variableSets: [
          set("a", "project", [v("X", "project")], { priority: true }),
          set("z", "global", [v("X", "global")], { priority: true }),
        ],
      },
      "global",
    ],
    [
      "a priority project-scoped set beats a priority workspace-scoped set",
      {
        workspace: [],
        variableSets: [
          set("a", "workspace", [v("X", "workspace")], { priority: true }),
          set("z", "project", [v("X", "project")], { priority: true }),
        ],
      },
      "project",
    ],
    [
      "a workspace-scoped set beats a project-scoped set",
      {
        workspace: [],
        variableSets: [
          set("a", "project", [v("X", "project")]),
          set("z", "workspace", [v("X", "workspace")]),
        ],
      },
      "workspace",
    ],
    [
      "a project-scoped set beats a global set, whatever the names",
      {
        workspace: [],
        variableSets: [set("a", "global", [v("X", "global")]), set("z", "project", [v("X", "p")])],
      },
      "p",
    ],
    [
      "between two project-scoped sets, the name first in lexical order wins",
      {
        workspace: [],
        variableSets: [
          set("B_Variable_Set", "project", [v("X", "B")]),
          set("A_Variable_Set", "project", [v("X", "A")]),
        ],
      },
      "A",
    ],
    [
      "the lexical order is by code point, so upper case comes before lower case",
      {
        workspace: [],
        variableSets: [
          set("apps", "project", [v("X", "a")]),
          set("Zeta", "project", [v("X", "Z")]),
        ],
      },
      "Z",
    ],
    [
      "code point order puts a character beyond the BMP after one just below it",
      {
        workspace: [],
        variableSets: [
          set("x\u{1F600}", "project", [v("X", "emoji")]),
          set("x\uFFFD", "project", [v("X", "fffd")]),
        ],
      },
      "fffd",
    ],
    [
      "between two priority sets of one scope, the name first in lexical order wins",
      {
        workspace: [],
        variableSets: [
          set("b", "project", [v("X", "b")], { priority: true }),
          set("a", "project", [v("X", "a")], { priority: true }),
        ],
      },
      "a",
    ],
    [
      "a project-owned project-scoped set beats an organization-owned one",
      {
        workspace: [],
        variableSets: [
          set("a", "project", [v("X", "org")]),
          set("z", "project", [v("X", "proj")], { owner: "project" }),
        ],
      },
      "proj",
    ],
    [
      "among priority sets, an organization-owned one beats a project-owned one",
      {
        workspace: [],
        variableSets: [
          set("a", "project", [v("X", "proj")], { priority: true, owner: "project" }),
          set("z", "project", [v("X", "org")], { priority: true }),
        ],
      },
      "org",
    ],
  ];
  it.each(cases)("%s", (_, input, expected) => {
    expect(winner(input)).toBe(expected);
  });

  it("reads only environment variables: a Terraform variable of the same key is no rival", () => {
    const env = effectiveEnvironment({
      workspace: [{ key: "X", value: "tf", category: "terraform" }],
      variableSets: [set("p", "project", [v("X", "env")])],
    });
    expect(env.get("X")?.value).toBe("env");
  });

  it("names the winner's source", () => {
    const env = effectiveEnvironment({
      workspace: [],
      variableSets: [set("hcp-aws-trust: Apps", "project", [v("X", "1")])],
    });
    const source = env.get("X")?.source;
    expect(source && describeSource(source)).toBe(
      'variable set "hcp-aws-trust: Apps" (project-scoped)',
    );
  });
});

const ROLE = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

describe("the AWS role each run phase uses", () => {
  it("uses the run role for both phases when no phase role is set", () => {
    const [def] = effectiveAwsCredentials({
      workspace: [v("TFC_AWS_PROVIDER_AUTH", "true"), v("TFC_AWS_RUN_ROLE_ARN", ROLE("run"))],
      variableSets: [],
    });
    expect(def?.plan.roleArn).toBe(ROLE("run"));
    expect(def?.apply.roleArn).toBe(ROLE("run"));
    expect(def?.plan.audience).toBe(DEFAULT_AWS_AUDIENCE);
  });

  it("lets a project set's plan role win over the workspace's own run role (different keys never conflict)", () => {
    // Issue 9's case: a workspace role of its own, in a project whose set is split.
    const [def] = effectiveAwsCredentials({
      workspace: [v("TFC_AWS_PROVIDER_AUTH", "true"), v("TFC_AWS_RUN_ROLE_ARN", ROLE("ws"))],
      variableSets: [
        set("hcp-aws-trust: Apps", "project", [
          v("TFC_AWS_PROVIDER_AUTH", "true"),
          v("TFC_AWS_PLAN_ROLE_ARN", ROLE("project-plan")),
          v("TFC_AWS_APPLY_ROLE_ARN", ROLE("project-apply")),
        ]),
      ],
    });
    expect(def?.plan.roleArn).toBe(ROLE("project-plan"));
    expect(def?.apply.roleArn).toBe(ROLE("project-apply"));
    expect(def?.plan.roleArnFrom?.source.kind).toBe("variable-set");
  });

  it("falls back to the run role for the phase whose role is absent only", () => {
    const [def] = effectiveAwsCredentials({
      workspace: [
        v("TFC_AWS_PROVIDER_AUTH", "true"),
        v("TFC_AWS_RUN_ROLE_ARN", ROLE("run")),
        v("TFC_AWS_APPLY_ROLE_ARN", ROLE("apply")),
      ],
      variableSets: [],
    });
    expect(def?.plan.roleArn).toBe(ROLE("run"));
    expect(def?.plan.roleArnFrom?.key).toBe("TFC_AWS_RUN_ROLE_ARN");
    expect(def?.apply.roleArn).toBe(ROLE("apply"));
  });

  it("does not authenticate without TFC_AWS_PROVIDER_AUTH, and says so", () => {
    const [def] = effectiveAwsCredentials({
      workspace: [v("TFC_AWS_RUN_ROLE_ARN", ROLE("run"))],
      variableSets: [],
    });
    expect(def?.plan).toMatchObject({
      authenticates: false,
      problem: "TFC_AWS_PROVIDER_AUTH is not set",
    });
    expect(def?.plan.roleArn).toBeUndefined();
  });

  it("does not authenticate when TFC_AWS_PROVIDER_AUTH is anything but true", () => {
    const [def] = effectiveAwsCredentials({
      workspace: [v("TFC_AWS_PROVIDER_AUTH", "false"), v("TFC_AWS_RUN_ROLE_ARN", ROLE("run"))],
      variableSets: [],
    });
    expect(def?.apply.problem).toBe('TFC_AWS_PROVIDER_AUTH is "false", not "true"');
  });

  it("says when authentication is on but no role ARN applies to a phase", () => {
    const [def] = effectiveAwsCredentials({
      workspace: [v("TFC_AWS_PROVIDER_AUTH", "true"), v("TFC_AWS_PLAN_ROLE_ARN", ROLE("plan"))],
      variableSets: [],
    });
    expect(def?.plan.authenticates).toBe(true);
    expect(def?.apply).toMatchObject({
      authenticates: false,
      problem: "neither TFC_AWS_APPLY_ROLE_ARN nor TFC_AWS_RUN_ROLE_ARN is set",
    });
  });

  it("resolves each tag on its own, with its own audience, after the default configuration", () => {
    const configs = effectiveAwsCredentials({
      workspace: [
        v("TFC_AWS_PROVIDER_AUTH_SHARED", "true"),
        v("TFC_AWS_PLAN_ROLE_ARN_SHARED", ROLE("shared-plan")),
        v("TFC_AWS_APPLY_ROLE_ARN_SHARED", ROLE("shared-apply")),
        v("TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE_SHARED", "custom"),
        v("TFC_AWS_PROVIDER_AUTH_PROD", "true"),
        v("TFC_AWS_RUN_ROLE_ARN_PROD", ROLE("prod")),
      ],
      variableSets: [],
    });
    expect(configs.map((c) => c.tag)).toEqual([undefined, "PROD", "SHARED"]);
    expect(configs[0]?.plan.authenticates).toBe(false);
    expect(configs[1]?.apply.roleArn).toBe(ROLE("prod"));
    expect(configs[1]?.apply.audience).toBe(DEFAULT_AWS_AUDIENCE);
    expect(configs[2]?.plan).toMatchObject({ roleArn: ROLE("shared-plan"), audience: "custom" });
    expect(configs[2]?.apply.roleArn).toBe(ROLE("shared-apply"));
  });

  it("never lets an untagged variable fill a tagged configuration, nor the reverse", () => {
    const configs = effectiveAwsCredentials({
      workspace: [
        v("TFC_AWS_PROVIDER_AUTH", "true"),
        v("TFC_AWS_RUN_ROLE_ARN", ROLE("default")),
        v("TFC_AWS_PROVIDER_AUTH_PROD", "true"),
      ],
      variableSets: [],
    });
    expect(configs[0]?.plan.roleArn).toBe(ROLE("default"));
    expect(configs[1]?.plan.problem).toBe(
      "neither TFC_AWS_PLAN_ROLE_ARN_PROD nor TFC_AWS_RUN_ROLE_ARN_PROD is set",
    );
  });

  it("fills an absent key of any configuration from its TFC_DEFAULT_ form", () => {
    const configs = effectiveAwsCredentials({
      workspace: [
        v("TFC_AWS_PROVIDER_AUTH", "true"),
        v("TFC_AWS_PROVIDER_AUTH_PROD", "true"),
        v("TFC_DEFAULT_AWS_RUN_ROLE_ARN", ROLE("fallback")),
        v("TFC_AWS_RUN_ROLE_ARN_PROD", ROLE("prod")),
      ],
      variableSets: [],
    });
    expect(configs[0]?.plan.roleArn).toBe(ROLE("fallback"));
    expect(configs[1]?.plan.roleArn).toBe(ROLE("prod"));
  });

  it("lets a priority set's run role override the workspace's run role", () => {
    const [def] = effectiveAwsCredentials({
      workspace: [v("TFC_AWS_PROVIDER_AUTH", "true"), v("TFC_AWS_RUN_ROLE_ARN", ROLE("ws"))],
      variableSets: [
        set("guardrail", "global", [v("TFC_AWS_RUN_ROLE_ARN", ROLE("global"))], { priority: true }),
      ],
    });
    expect(def?.plan.roleArn).toBe(ROLE("global"));
    expect(def?.plan.roleArnFrom?.source).toMatchObject({ priority: true, scope: "global" });
  });
});
