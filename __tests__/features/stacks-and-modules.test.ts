import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseHclText } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { apiCost } from "../../lib/api-cost";
import { ConfigError, loadConfig, parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import { lockOf } from "../../lib/plan/lock";
import { RESOURCES } from "../../lib/plan/members";
import { reportMarkdown } from "../../lib/report/markdown";
import { buildReport } from "../../lib/report/model";
import { AWS_PROVIDER_VERSION, hclString, stacksHcl } from "../../lib/report/stacks-hcl";
import { decide } from "../helpers/evaluate";
import { synthRoles, synthStacks, synthStacksRaw } from "../helpers/synth";
import { moduleTestClaims, runClaims, stackClaims } from "../helpers/tokens";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hcp: { organization: "acme" },
    accounts: {
      staging: { region: "us-east-1", accountId: "111122223333" },
      prod: { region: "us-east-1", accountId: "444455556666" },
    },
    stacks: [
      {
        name: "net",
        project: "Platform",
        deployments: ["staging"],
        account: "staging",
        policyArns: READ,
      },
      {
        name: "net",
        project: "Platform",
        deployments: ["production"],
        account: "prod",
        policyArns: READ,
      },
    ],
    modules: [{ name: "vpc", provider: "aws", account: "staging", policyArns: READ }],
    ...overrides,
  };
}

function refusal(data: Record<string, unknown>): string {
  try {
    parseConfig(stringify(data));
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("the config was accepted");
}

describe("a Stack's deployments", () => {
  it("each get a role in the entry's account, in the stack of the Stack's project", () => {
    const plan = planTrust(parseConfig(stringify(config())));
    const placed = plan.stacks.flatMap((stack) =>
      stack.roles.filter((r) => r.owner.kind === "stack").map((r) => [stack.name, r.key, r.arn]),
    );
    expect(placed).toEqual([
      [
        "hcp-aws-trust-staging.Platform",
        "stack_net.staging",
        "arn:aws:iam::111122223333:role/tfc-acme-stack-net-staging",
      ],
      [
        "hcp-aws-trust-prod.Platform",
        "stack_net.production",
        "arn:aws:iam::444455556666:role/tfc-acme-stack-net-production",
      ],
    ]);
  });

  it("are trusted exactly, both operations, and tagged with the Stack and the deployment", () => {
    const plan = planTrust(parseConfig(stringify(config())));
    const role = plan.roles.find((r) => r.key === "stack_net.staging");
    expect(role?.subject).toBe(
      "organization:acme:project:Platform:stack:net:deployment:staging:operation:*",
    );
    expect(role?.tags).toMatchObject({
      HcpProject: "Platform",
      HcpStack: "net",
      HcpDeployment: "staging",
    });
  });

  it("get no variables in HCP Terraform: Stacks take their role from .tfdeploy.hcl", () => {
    const plan = planTrust(parseConfig(stringify(config({ modules: undefined }))));
    expect(plan.targets).toEqual([]);
    const stacks = synthStacks(stringify(config({ modules: undefined })));
    for (const json of Object.values(stacks)) {
      expect(json.resource?.tfe_variable).toBeUndefined();
      expect(json.resource?.tfe_test_variable).toBeUndefined();
    }
  });

  it("with deployments: any, share one role that admits every deployment of the Stack", () => {
    const data = config({
      stacks: [{ name: "net", project: "Platform", deployments: "any", policyArns: READ }],
      modules: undefined,
      accounts: undefined,
      aws: { region: "us-east-1" },
    });
    const [role] = synthRoles(stringify(data));
    if (role === undefined) throw new Error("no role");
    expect(role.address).toBe('aws_iam_role.roles["stack_net"]');
    const token = {
      organization: "acme",
      project: "Platform",
      stack: "net",
      operation: "apply",
    } as const;
    expect(decide(role, stackClaims({ ...token, deployment: "anything" } as const))).toBe(
      "Allowed",
    );
    expect(decide(role, stackClaims({ ...token, stack: "net2", deployment: "x" } as const))).toBe(
      "ImplicitlyDenied",
    );
  });
});

describe("a registry module's test runs", () => {
  it("get one role trusting terraform-PROVIDER-NAME, and the module's test variables", () => {
    const stacks = synthStacksRaw(stringify(config({ stacks: undefined })));
    const json = stacks["hcp-aws-trust-staging.any.project"];
    const variables = json?.resource?.tfe_test_variable?.modules as
      | { for_each: Record<string, Record<string, string>>; organization: string }
      | undefined;
    expect(variables?.organization).toBe("acme");
    expect(variables?.for_each).toEqual({
      "module_vpc.aws_TFC_AWS_PROVIDER_AUTH": {
        key: "TFC_AWS_PROVIDER_AUTH",
        value: "true",
        module_name: "vpc",
        module_provider: "aws",
      },
      "module_vpc.aws_TFC_AWS_RUN_ROLE_ARN": {
        key: "TFC_AWS_RUN_ROLE_ARN",
        value: "arn:aws:iam::111122223333:role/tfc-acme-module-vpc-aws",
        module_name: "vpc",
        module_provider: "aws",
      },
    });
    const [role] = synthRoles(stringify(config({ stacks: undefined })));
    if (role === undefined) throw new Error("no role");
    expect(decide(role, moduleTestClaims("acme", "terraform-aws-vpc"))).toBe("Allowed");
    expect(decide(role, moduleTestClaims("acme", "vpc"))).toBe("ImplicitlyDenied");
  });

  it("trust the name given as subjectName instead, and only it", () => {
    const data = config({
      stacks: undefined,
      modules: [{ name: "vpc", provider: "aws", subjectName: "vpc", policyArns: READ }],
      accounts: undefined,
      aws: { region: "us-east-1" },
    });
    const [role] = synthRoles(stringify(data));
    if (role === undefined) throw new Error("no role");
    expect(decide(role, moduleTestClaims("acme", "vpc"))).toBe("Allowed");
    expect(decide(role, moduleTestClaims("acme", "terraform-aws-vpc"))).toBe("ImplicitlyDenied");
  });

  it("cost one API call per test variable in a plan, besides the provider's two", () => {
    const stacks = Object.values(synthStacks(stringify(config({ stacks: undefined }))));
    const cost = apiCost(stacks, { workspacesPerProject: 0, organizationWorkspaces: 0 });
    expect(cost).toEqual({ calls: 2 + 2, elements: 2 });
  });

  it("write the audience too when it is not the default", () => {
    const data = config({ stacks: undefined, hcp: { organization: "acme", audience: "custom" } });
    const plan = planTrust(parseConfig(stringify(data)));
    expect(plan.targets[0]?.variables.map((v) => v.key)).toEqual([
      "TFC_AWS_PROVIDER_AUTH",
      "TFC_AWS_RUN_ROLE_ARN",
      "TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE",
    ]);
  });

  it("keep their test variables out of moves: the tfe provider cannot import them", () => {
    const before = planTrust(parseConfig(stringify(config({ stacks: undefined }))));
    const moved = config({
      stacks: undefined,
      modules: [{ name: "vpc", provider: "aws", account: "prod", policyArns: READ }],
    });
    const after = planTrust(parseConfig(stringify(moved)), lockOf(before));
    expect(after.relocations.filter((r) => r.resource === RESOURCES.testVariable)).toEqual([]);
    expect(after.stacks.map((s) => s.name)).toContain("hcp-aws-trust-staging.any.project");
  });
});

describe("tokens of one kind", () => {
  it("are refused by the roles of the other kinds, whatever the names", () => {
    const data = config({
      workspaces: [{ name: "net", project: "Platform", account: "staging", policyArns: READ }],
      modules: [
        { name: "net", provider: "aws", subjectName: "net", account: "staging", policyArns: READ },
      ],
    });
    const roles = synthRoles(stringify(data));
    const tokens = {
      workspace: runClaims({
        organization: "acme",
        project: "Platform",
        workspace: "net",
        phase: "plan",
      }),
      stack: stackClaims({
        organization: "acme",
        project: "Platform",
        stack: "net",
        deployment: "staging",
        operation: "plan",
      }),
      module: moduleTestClaims("acme", "net"),
    };
    const admitted = roles.map((role) => [
      role.address,
      Object.entries(tokens)
        .filter(([, claims]) => decide(role, claims) === "Allowed")
        .map(([kind]) => kind),
    ]);
    expect(admitted).toEqual(
      expect.arrayContaining([
        ['aws_iam_role.roles["ws_net"]', ["workspace"]],
        ['aws_iam_role.roles["stack_net.staging"]', ["stack"]],
        ['aws_iam_role.roles["module_net.aws"]', ["module"]],
      ]),
    );
  });
});

describe("the config", () => {
  it.each([
    [
      "a plan/apply split on a Stack, saying why",
      {
        stacks: [
          {
            name: "s",
            project: "Platform",
            deployments: ["d"],
            plan: { policyArns: READ },
            apply: { policyArns: READ },
          },
        ],
      },
      "stacks[0].plan: a Stack deployment passes one role ARN to its AWS provider for every operation",
    ],
    [
      "a deployment given a role by two entries",
      {
        stacks: [
          { name: "s", project: "Platform", deployments: ["d"], policyArns: READ },
          { name: "s", project: "Platform", deployments: ["e", "d"], policyArns: READ },
        ],
      },
      'stacks[1].deployments[1]: deployment "d" of stack "s" is given a role here and at stacks[0]',
    ],
    [
      "deployments: any beside another entry of the Stack",
      {
        stacks: [
          { name: "s", project: "Platform", deployments: ["d"], policyArns: READ },
          { name: "s", project: "Platform", deployments: "any", policyArns: READ },
        ],
      },
      'stacks[1].deployments: stack "s" has entries here and at stacks[0], one of them with deployments: any',
    ],
    [
      "a Stack in two projects",
      {
        stacks: [
          { name: "s", project: "Platform", deployments: ["d"], policyArns: READ },
          { name: "s", project: "Other", deployments: ["e"], policyArns: READ },
        ],
      },
      'stacks[1].project: stack "s" is in project "Other" here but in "Platform" at stacks[0]',
    ],
    [
      "a wildcard in a deployment name",
      { stacks: [{ name: "s", project: "Platform", deployments: ["prod*"], policyArns: READ }] },
      "stacks[0].deployments[0]: \"prod*\" is not a valid deployment name: '*' would act as a wildcard",
    ],
    [
      "a Stack without a project",
      { stacks: [{ name: "s", deployments: ["d"], policyArns: READ }] },
      "stacks[0].project",
    ],
    [
      "a role name on a Stack, which makes a role per deployment",
      {
        stacks: [
          { name: "s", project: "Platform", deployments: ["d"], roleName: "x", policyArns: READ },
        ],
      },
      "stacks[0].roleName: unknown key",
    ],
    [
      "a module listed twice",
      {
        modules: [
          { name: "vpc", provider: "aws", policyArns: READ },
          { name: "VPC", provider: "aws", policyArns: READ },
        ],
      },
      'modules[1].name: module "VPC/aws" is listed twice (also at modules[0])',
    ],
    [
      "two modules whose tokens would carry one name",
      {
        modules: [
          { name: "vpc", provider: "aws", policyArns: READ },
          { name: "x", provider: "aws", subjectName: "terraform-aws-vpc", policyArns: READ },
        ],
      },
      'modules[1].subjectName: module "x/aws" would trust test runs named "terraform-aws-vpc", as modules[0] does',
    ],
    [
      "a module provider in capitals",
      { modules: [{ name: "vpc", provider: "AWS", policyArns: READ }] },
      'modules[0].provider: "AWS" is not a registry module provider name',
    ],
  ])("refuses %s, naming the field", (_, entries, expected) => {
    const data = {
      hcp: { organization: "acme" },
      aws: { region: "us-east-1" },
      ...entries,
    };
    expect(refusal(data)).toContain(expected);
  });

  it("accepts the same Stack in two entries with different deployments and accounts", () => {
    expect(parseConfig(stringify(config())).stacks).toHaveLength(2);
  });

  it("accepts a config of only Stacks, or of only modules", () => {
    expect(() => parseConfig(stringify(config({ modules: undefined })))).not.toThrow();
    expect(() => parseConfig(stringify(config({ stacks: undefined })))).not.toThrow();
  });
});

describe("the HCL a Stack's repository needs", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("### HCP Terraform Stacks"),
    readme.indexOf("### Registry module tests"),
  );
  const blocks = [...section.matchAll(/```hcl\n([\s\S]*?)```/g)].map(([, body]) => body?.trim());
  const example = readFileSync(
    join(__dirname, "..", "..", "examples", "stacks-and-modules.yaml"),
    "utf8",
  );

  it("is what the README shows for the example, deployment by deployment", () => {
    const [networking] = stacksHcl(planTrust(parseConfig(example)));
    expect(blocks).toEqual([networking?.deployments, networking?.providers]);
  });

  it("leaves the account ID to fill in when the config does not give it", () => {
    const data = config({
      accounts: undefined,
      aws: { region: "eu-west-1" },
      stacks: [{ name: "net", project: "Platform", deployments: "any", policyArns: READ }],
      modules: undefined,
    });
    const [hcl] = stacksHcl(planTrust(parseConfig(stringify(data))));
    expect(hcl?.deployments).toContain(
      'role_arn       = "arn:aws:iam::ACCOUNT_ID:role/tfc-acme-stack-net"',
    );
    expect(hcl?.deployments).toContain("Every deployment of the Stack may use this role");
    expect(hcl?.deployments).toContain('region         = "eu-west-1"');
  });

  it("declares the AWS provider in required_providers, as a Stack configuration must", async () => {
    const [networking] = stacksHcl(planTrust(parseConfig(example)));
    const providers = await parseHcl(networking?.providers ?? "");
    expect(providers.required_providers).toEqual([
      { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } },
    ]);
  });

  it("gives each deployment its own account's region, not the first one's", async () => {
    const data = config({
      accounts: {
        staging: { region: "us-east-1", accountId: "111122223333" },
        prod: { region: "eu-west-1", accountId: "444455556666" },
      },
      modules: undefined,
    });
    const [hcl] = stacksHcl(planTrust(parseConfig(stringify(data))));
    const deployments = await parseHcl(hcl?.deployments ?? "");
    const inputs = (name: string) => deployments.deployment?.[name]?.[0]?.inputs;
    expect(inputs("staging")?.region).toBe("us-east-1");
    expect(inputs("production")?.region).toBe("eu-west-1");
    expect(hcl?.providers).not.toContain("us-east-1");
    expect(hcl?.providers).toContain("region = var.region");
  });

  it.each(examplesWithStacks())(
    "parses, for %s, every HCL fragment the report prints, and each deployment gives exactly the variables the component configuration declares",
    async (_, path) => {
      const markdown = reportMarkdown(buildReport(planTrust(loadConfig(path).config)));
      const fragments = [...markdown.matchAll(/```hcl\n([\s\S]*?)```/g)].map(
        ([, body]) => body ?? "",
      );
      expect(fragments.length).toBeGreaterThan(0);
      const parsed = await Promise.all(fragments.map((fragment) => parseHcl(fragment)));
      const declared = parsed.flatMap((file) => Object.keys(file.variable ?? {}));
      const deployments = parsed.flatMap((file) => Object.entries(file.deployment ?? {}));
      expect(deployments.length).toBeGreaterThan(0);
      for (const [name, [deployment]] of deployments) {
        expect(Object.keys(deployment?.inputs ?? {}).sort(), `deployment ${name}`).toEqual(
          [...declared].sort(),
        );
      }
      // Every provider has its local name in required_providers, and reads only declared variables.
      for (const file of parsed) {
        for (const local of Object.keys(file.provider ?? {})) {
          const required = parsed.flatMap((f) => f.required_providers ?? []);
          expect(
            required.some((block) => local in block),
            `provider ${local}`,
          ).toBe(true);
        }
        const used = [...JSON.stringify(file.provider ?? {}).matchAll(/\$\{var\.(\w+)\}/g)].map(
          ([, v]) => v,
        );
        for (const variable of used) expect(declared).toContain(variable);
      }
    },
  );

  it.skipIf(!terraformInstalled())("writes every fragment as terraform fmt would", () => {
    for (const [, path] of examplesWithStacks()) {
      for (const hcl of stacksHcl(planTrust(loadConfig(path).config))) {
        for (const fragment of [hcl.deployments, hcl.providers]) {
          const formatted = execFileSync("terraform", ["fmt", "-"], {
            input: fragment,
            env: { ...process.env, TF_CLI_CONFIG_FILE: emptyCliConfig() },
          }).toString();
          expect(formatted.trimEnd()).toBe(fragment);
        }
      }
    }
  });

  it("writes text as HCL reads it: quotes escaped, templates not evaluated", () => {
    expect(hclString('a"b\\c${x}%{y}')).toBe('"a\\"b\\\\c$${x}%%{y}"');
  });
});

/** The configs of examples/ (files and config directories) that have HCP Terraform Stacks. */
function examplesWithStacks(): Array<[string, string]> {
  const root = join(__dirname, "..", "..", "examples");
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || /\.ya?ml$/.test(entry.name))
    .map((entry): [string, string] => [entry.name, join(root, entry.name)])
    .filter(([, path]) => {
      try {
        return (loadConfig(path).config.stacks?.length ?? 0) > 0;
      } catch {
        return false; // not a config (the GitHub Actions example)
      }
    });
}

interface HclFile {
  readonly required_providers?: ReadonlyArray<Record<string, { source: string; version: string }>>;
  readonly variable?: Record<string, unknown>;
  readonly provider?: Record<string, unknown>;
  readonly deployment?: Record<string, ReadonlyArray<{ inputs?: Record<string, string> }>>;
}

/** HCL read by HashiCorp's own parser (hcl2json), which refuses what is not HCL. */
function parseHcl(text: string): Promise<HclFile> {
  return parseHclText("fragment.hcl", text) as Promise<HclFile>;
}

function terraformInstalled(): boolean {
  try {
    execFileSync("terraform", ["version"], {
      stdio: "ignore",
      env: { ...process.env, TF_CLI_CONFIG_FILE: emptyCliConfig() },
    });
    return true;
  } catch {
    return false;
  }
}

/** An empty Terraform CLI config, so the CLI reads none of the machine's. */
function emptyCliConfig(): string {
  const path = join(tmpdir(), "empty.tfrc");
  writeFileSync(path, "");
  return path;
}
