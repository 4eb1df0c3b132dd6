import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DEFAULT_AUDIENCE, DEFAULT_HOSTNAME } from "../lib/config/constants";
import {
  ConfigError,
  carefulParse,
  configPathFromEnv,
  DEFAULT_CONFIG_PATH,
  loadConfig,
  parseConfig,
  parseConfigFiles,
} from "../lib/config/load";
import { loadYaml } from "../lib/config/yaml";
import { buildApp } from "../stacks/app";
import { baseConfig, type ConfigInput, tempDir, workspace } from "./helpers/synth";

/** The problems a config has, or fails the test if it is valid. */
function problemsOf(config: ConfigInput | string): readonly string[] {
  const text = typeof config === "string" ? config : stringify(config);
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be rejected, but it was accepted");
}

function withWorkspace(extra: Record<string, unknown>): ConfigInput {
  return baseConfig({ workspaces: [workspace("app", extra)] });
}

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

describe("a valid config", () => {
  it("fills in the default hostname and audience", () => {
    const config = parseConfig(stringify(baseConfig()));
    expect(config.hcp).toEqual({
      organization: "acme",
      hostname: DEFAULT_HOSTNAME,
      audience: DEFAULT_AUDIENCE,
    });
  });

  it("keeps a Terraform Enterprise hostname, a custom audience and a reused provider", () => {
    const config = parseConfig(
      stringify(
        baseConfig({
          hcp: { organization: "acme", hostname: "tfe.example.com", audience: "tfe.aws" },
          aws: {
            region: "eu-west-1",
            oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/tfe.example.com",
          },
        }),
      ),
    );
    expect(config.hcp.hostname).toBe("tfe.example.com");
    expect(config.hcp.audience).toBe("tfe.aws");
    expect(config.aws?.oidcProviderArn).toBe(
      "arn:aws:iam::111122223333:oidc-provider/tfe.example.com",
    );
  });

  it("accepts a workspace with only an inline policy", () => {
    const config = parseConfig(
      stringify(
        baseConfig({
          workspaces: [
            {
              name: "app",
              inlinePolicy: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }],
              },
            },
          ],
        }),
      ),
    );
    expect(config.workspaces?.[0]?.policyArns).toEqual([]);
  });

  it("accepts customer managed policies with a path, and GovCloud ARNs in a GovCloud region", () => {
    expect(() =>
      parseConfig(
        stringify(
          baseConfig({
            aws: { region: "us-gov-west-1" },
            workspaces: [
              workspace("app", {
                policyArns: ["arn:aws-us-gov:iam::123456789012:policy/team/app/Deploy"],
              }),
            ],
          }),
        ),
      ),
    ).not.toThrow();
  });
});

describe("required fields", () => {
  it.each([
    [
      { aws: { region: "us-east-1" }, workspaces: [workspace("a")] },
      "hcp: is required (a mapping)",
    ],
    [
      { hcp: {}, aws: { region: "us-east-1" }, workspaces: [workspace("a")] },
      "hcp.organization: is required (a string)",
    ],
    [
      { hcp: { organization: "acme" }, aws: {}, workspaces: [workspace("a")] },
      "aws.region: is required (a string)",
    ],
    [
      { hcp: { organization: "acme" }, aws: { region: "us-east-1" } },
      "workspaces: is required (a list)",
    ],
    [
      baseConfig({ workspaces: [{ policyArns: [ADMIN] }] }),
      "workspaces[0].name: is required (a string)",
    ],
  ])("reports a missing field: %j", (config, expected) => {
    expect(problemsOf(config).join("\n")).toContain(expected);
  });

  it("fails if the workspaces list is empty", () => {
    expect(problemsOf(baseConfig({ workspaces: [] }))).toEqual([
      expect.stringContaining("workspaces: the workspaces list is empty"),
    ]);
  });

  it("fails if a workspace grants nothing", () => {
    expect(problemsOf(baseConfig({ workspaces: [{ name: "app" }] }))).toEqual([
      expect.stringContaining(
        'workspace "app" grants nothing: give policyArns, inlinePolicy or both',
      ),
    ]);
  });

  it("fails on a value of the wrong type, naming the value", () => {
    expect(problemsOf(baseConfig({ hcp: { organization: 42 } }))).toEqual([
      expect.stringContaining("hcp.organization: expected a string, got number 42"),
    ]);
  });
});

describe("unknown keys", () => {
  it("fails on a typo and suggests the key that was meant", () => {
    expect(problemsOf(withWorkspace({ polcyArns: [ADMIN] })).join("\n")).toContain(
      'workspaces[0].polcyArns: unknown key (did you mean "policyArns"?); allowed keys here: name, project, account, create, allowAdmin, policyArns, inlinePolicy, plan, apply, roleName, path, permissionsBoundary, maxSessionDuration, tags, description, credentials',
    );
  });

  it("fails on an unknown top-level key without a far-fetched suggestion", () => {
    const [problem] = problemsOf({ ...baseConfig(), extra: "s3" });
    expect(problem).toContain(
      "extra: unknown key; allowed keys here: hcp, aws, accounts, defaults, backend, shards, workspaces, projects",
    );
  });

  it("points at the line of the unknown key", () => {
    const text = [
      "hcp:",
      "  organization: acme",
      "  hostnme: tfe.example.com",
      "aws:",
      "  region: us-east-1",
      "workspaces:",
      "  - name: app",
      `    policyArns: [${ADMIN}]`,
      "",
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^line 3: hcp\.hostnme: unknown key \(did you mean "hostname"\?\)/),
    ]);
  });
});

describe("YAML syntax errors", () => {
  it("name the line of the error", () => {
    const text = [
      "hcp:",
      "  organization: acme",
      "aws: { region: us-east-1",
      "workspaces: []",
      "",
    ].join("\n");
    expect(problemsOf(text)).toEqual([expect.stringMatching(/^line \d: YAML syntax error: /)]);
  });

  it("reject duplicate keys", () => {
    const text = ["hcp:", "  organization: acme", "  organization: other", ""].join("\n");
    expect(problemsOf(text)).toEqual([
      'line 3: YAML syntax error: the key "organization" is given twice in one mapping; keep one',
    ]);
  });

  it("reject an empty file", () => {
    expect(problemsOf("")).toEqual([expect.stringContaining("the file is empty")]);
  });

  it("reject a file that is not a mapping", () => {
    expect(problemsOf("- a\n- b\n")).toEqual([
      expect.stringContaining("(top level): expected a mapping, got a list"),
    ]);
  });
});

describe("names that could widen the trust", () => {
  it.each([
    ["workspace name with '*'", withWorkspace({ name: "app*" }), "workspaces[0].name"],
    ["workspace name with '?'", withWorkspace({ name: "app-?" }), "workspaces[0].name"],
    ["workspace name with ':'", withWorkspace({ name: "app:x" }), "workspaces[0].name"],
    ["workspace name with a space", withWorkspace({ name: "app prod" }), "workspaces[0].name"],
    ["project name with '*'", withWorkspace({ project: "Apps*" }), "workspaces[0].project"],
    ["project name with ':'", withWorkspace({ project: "Apps:x" }), "workspaces[0].project"],
    [
      "organization name with '*'",
      baseConfig({ hcp: { organization: "acme*" } }),
      "hcp.organization",
    ],
    [
      "organization name with a space",
      baseConfig({ hcp: { organization: "acme corp" } }),
      "hcp.organization",
    ],
    [
      "audience with a wildcard",
      baseConfig({ hcp: { organization: "acme", audience: "aws.*" } }),
      "hcp.audience",
    ],
  ])("fails on a %s", (_, config, path) => {
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${path}: `);
  });

  it("accepts a project name with inner spaces", () => {
    expect(() =>
      parseConfig(stringify(withWorkspace({ project: "Default Project" }))),
    ).not.toThrow();
  });
});

describe("ARNs", () => {
  it.each([
    ["arn:aws:iam::aws:policy/ReadOnly*"],
    ["arn:aws:iam::aws:policy/"],
    ["arn:aws:iam::12345:policy/Deploy"],
    ["arn:aws:s3:::bucket"],
    // A name alone: an AWS managed policy's gets its ARN (see config-messages.test.ts).
    ["MyDeployPolicy"],
    ["arn:aws:iam::aws:role/ReadOnlyAccess"],
  ])("fails on the malformed policy ARN %j", (arn) => {
    expect(problemsOf(withWorkspace({ policyArns: [arn] }))).toEqual([
      expect.stringContaining(
        `workspaces[0].policyArns[0]: ${JSON.stringify(arn)} is not a managed policy ARN`,
      ),
    ]);
  });

  it.each([
    ["arn:aws:iam::111122223333:oidc-provider/"],
    ["arn:aws:iam::1111:oidc-provider/app.terraform.io"],
    ["arn:aws:iam::111122223333:saml-provider/app.terraform.io"],
    ["arn:aws:iam::111122223333:oidc-provider/*"],
  ])("fails on the malformed provider ARN %j", (arn) => {
    expect(problemsOf(baseConfig({ aws: { region: "us-east-1", oidcProviderArn: arn } }))).toEqual([
      expect.stringContaining("aws.oidcProviderArn: "),
    ]);
  });

  it("fails if a policy ARN is from another partition than the region", () => {
    const problems = problemsOf(
      baseConfig({ aws: { region: "cn-north-1" }, workspaces: [workspace("app")] }),
    );
    expect(problems).toEqual([
      expect.stringContaining('is in partition "aws", but region "cn-north-1" is in "aws-cn"'),
    ]);
  });

  it.each([
    ["us-east-1"],
    ["eu-central-2"],
    ["us-gov-west-1"],
    ["cn-northwest-1"],
    ["ap-southeast-4"],
  ])("accepts the region %j", (region) => {
    const arn = region.startsWith("cn-")
      ? "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"
      : region.startsWith("us-gov-")
        ? "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"
        : "arn:aws:iam::aws:policy/ReadOnlyAccess";
    expect(() =>
      parseConfig(
        stringify(
          baseConfig({ aws: { region }, workspaces: [workspace("app", { policyArns: [arn] })] }),
        ),
      ),
    ).not.toThrow();
  });

  it.each([["us-east"], ["US-EAST-1"], ["useast1"], [""]])("fails on the region %j", (region) => {
    expect(problemsOf(baseConfig({ aws: { region } }))).toEqual([
      expect.stringContaining("aws.region: "),
    ]);
  });
});

describe("policies", () => {
  const arns = (count: number) =>
    Array.from({ length: count }, (_, i) => `arn:aws:iam::123456789012:policy/Policy${i}`);

  it("accepts 20 managed policies on one workspace", () => {
    expect(() => parseConfig(stringify(withWorkspace({ policyArns: arns(20) })))).not.toThrow();
  });

  it("fails on 21 managed policies on one workspace", () => {
    expect(problemsOf(withWorkspace({ policyArns: arns(21) }))).toEqual([
      expect.stringContaining(
        "workspaces[0].policyArns: 21 managed policies given; AWS attaches at most 20",
      ),
    ]);
  });

  it("fails if a policy is listed twice", () => {
    expect(problemsOf(withWorkspace({ policyArns: [ADMIN, ADMIN] }))).toEqual([
      expect.stringContaining("workspaces[0].policyArns[1]: "),
    ]);
  });

  it("fails on an inline policy that IAM would reject, naming the statement field", () => {
    const inlinePolicy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Alow", Action: "s3:GetObject", Resource: "*" }],
    };
    expect(problemsOf(withWorkspace({ inlinePolicy }))).toEqual([
      expect.stringContaining(
        "workspaces[0].inlinePolicy.Statement[0].Effect: not a valid IAM identity policy",
      ),
    ]);
  });

  it("fails on an inline policy with a Principal (a trust policy pasted by mistake)", () => {
    const inlinePolicy = {
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
    };
    expect(problemsOf(withWorkspace({ inlinePolicy })).join("\n")).toContain(
      "Principal is not allowed",
    );
  });

  it("fails on an inline policy without Version 2012-10-17, which policy variables need", () => {
    const inlinePolicy = {
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
    };
    expect(problemsOf(withWorkspace({ inlinePolicy }))).toEqual([
      expect.stringContaining(
        'workspaces[0].inlinePolicy.Version: set Version: "2012-10-17" (got none)',
      ),
    ]);
    expect(
      problemsOf(withWorkspace({ inlinePolicy: { ...inlinePolicy, Version: "2008-10-17" } })),
    ).toEqual([expect.stringContaining('(got "2008-10-17")')]);
  });

  it("fails on an inline policy without statements", () => {
    expect(
      problemsOf(withWorkspace({ inlinePolicy: { Version: "2012-10-17", Statement: [] } })),
    ).toEqual([
      expect.stringContaining(
        "workspaces[0].inlinePolicy.Statement: the inline policy has no statements",
      ),
    ]);
  });

  const sized = (length: number) => {
    // The document's JSON without whitespace is exactly `length` characters long.
    const doc = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "" }],
    };
    const padding = length - JSON.stringify(doc).length;
    return {
      ...doc,
      Statement: [{ ...doc.Statement[0], Resource: `arn:aws:s3:::${"b".repeat(padding - 13)}` }],
    };
  };

  it("accepts an inline policy of 10,240 characters", () => {
    expect(JSON.stringify(sized(10_240))).toHaveLength(10_240);
    expect(() =>
      parseConfig(stringify(withWorkspace({ inlinePolicy: sized(10_240) }))),
    ).not.toThrow();
  });

  it("fails on an inline policy of 10,241 characters", () => {
    expect(problemsOf(withWorkspace({ inlinePolicy: sized(10_241) }))).toEqual([
      expect.stringContaining("the inline policy is 10241 characters long"),
    ]);
  });
});

describe("duplicates", () => {
  it("fails on a workspace listed twice, naming both entries", () => {
    expect(
      problemsOf(
        baseConfig({ workspaces: [workspace("app"), workspace("web"), workspace("app")] }),
      ),
    ).toEqual([
      expect.stringContaining(
        'workspaces[2].name: workspace "app" is listed twice (also at workspaces[0])',
      ),
    ]);
  });

  it("fails on names that differ only in case, as IAM role names do not", () => {
    expect(
      problemsOf(baseConfig({ workspaces: [workspace("App"), workspace("app")] })),
    ).toHaveLength(1);
  });
});

describe("several problems", () => {
  it("are all reported at once, in file order, each with its line", () => {
    const text = [
      "hcp:",
      "  organization: acme*",
      "aws:",
      "  region: nowhere",
      "workspaces:",
      "  - name: app prod",
      `    policyArns: [${ADMIN}]`,
      "",
    ].join("\n");
    try {
      parseConfig(text, "trust.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message.split("\n")[0]).toBe("Invalid config trust.yaml (3 problems):");
      expect((error as ConfigError).problems.map((p) => p.slice(0, 8))).toEqual([
        "line 2: ",
        "line 4: ",
        "line 6: ",
      ]);
    }
  });
});

describe("the config file", () => {
  it("is trust.d when there is no trust.yaml but that directory (after add-workspace --init)", () => {
    const dir = tempDir("cwd-");
    mkdirSync(join(dir, "trust.d"));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(configPathFromEnv({})).toBe("trust.d");
      writeFileSync(join(dir, "trust.yaml"), "");
      expect(configPathFromEnv({})).toBe(DEFAULT_CONFIG_PATH);
    } finally {
      process.chdir(cwd);
    }
  });

  it("defaults to trust.yaml and follows TRUST_CONFIG", () => {
    expect(configPathFromEnv({})).toBe(DEFAULT_CONFIG_PATH);
    expect(configPathFromEnv({ TRUST_CONFIG: "" })).toBe(DEFAULT_CONFIG_PATH);
    expect(configPathFromEnv({ TRUST_CONFIG: "conf/prod.yaml" })).toBe("conf/prod.yaml");
  });

  it("fails with a clear message if it is missing", () => {
    expect(() => loadConfig("/nonexistent/trust.yaml")).toThrow(
      new ConfigError(
        'config file "/nonexistent/trust.yaml" not found (looked for "/nonexistent/trust.yaml"): create it (see trust.yaml in the repository for an example) or point TRUST_CONFIG at a YAML file or a directory of them',
      ),
    );
  });

  it("is read and validated, with its name in the message", () => {
    const dir = tempDir("config-file-");
    const path = join(dir, "bad.yaml");
    writeFileSync(path, stringify(baseConfig({ workspaces: [] })));
    expect(() => loadConfig(path)).toThrow(`Invalid config ${path}:`);
  });
});

describe("a config directory", () => {
  function directory(files: Record<string, string | ConfigInput>): string {
    const dir = tempDir("config-dir-");
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === "string" ? content : stringify(content));
    }
    return dir;
  }

  const shared = { hcp: { organization: "acme" }, aws: { region: "us-east-1" } };

  it("merges its *.yaml files: one hcp block, workspaces and projects concatenated in file name order", () => {
    const dir = directory({
      "00-shared.yaml": shared,
      "app.yaml": { workspaces: [workspace("app")] },
      "web.yaml": {
        workspaces: [workspace("web"), workspace("api")],
        projects: [{ name: "Apps", policyArns: [ADMIN], allowAdmin: true }],
      },
      "notes.txt": "not a config",
    });
    const { config } = loadConfig(dir);
    expect(config.hcp.organization).toBe("acme");
    expect(config.workspaces?.map((ws) => ws.name)).toEqual(["app", "web", "api"]);
    expect(config.projects?.map((p) => p.name)).toEqual(["Apps"]);
  });

  it("fails on a workspace listed in two files, naming both", () => {
    const dir = directory({
      "a.yaml": { ...shared, workspaces: [workspace("app")] },
      "b.yaml": { workspaces: [workspace("web"), workspace("APP")] },
    });
    expect(() => loadConfig(dir)).toThrow(
      `${join(dir, "b.yaml")}: workspaces[1]: "APP" is also listed in ${join(dir, "a.yaml")} (workspaces[0]); list it in one file only`,
    );
  });

  it("fails on a block given in two files, naming both", () => {
    const dir = directory({
      "a.yaml": { ...shared, workspaces: [workspace("app")] },
      "b.yaml": { hcp: { organization: "other" } },
    });
    expect(() => loadConfig(dir)).toThrow(
      `${join(dir, "b.yaml")}: hcp is also given in ${join(dir, "a.yaml")}; give it in one file only`,
    );
  });

  it("reports problems with the file and the line in that file", () => {
    const dir = directory({
      "a.yaml": shared,
      "b.yaml": [
        "workspaces:",
        "  - name: ok",
        `    policyArns: [${ADMIN}]`,
        "  - name: bad*",
        `    policyArns: [${ADMIN}]`,
        "",
      ].join("\n"),
    });
    expect(() => loadConfig(dir)).toThrow(
      `${join(dir, "b.yaml")} line 4: workspaces[1].name: "bad*" is not a valid workspace name`,
    );
  });

  it("reports a YAML syntax error with its file", () => {
    const dir = directory({ "a.yaml": shared, "b.yaml": "workspaces: [\n" });
    expect(() => loadConfig(dir)).toThrow(
      new RegExp(`${join(dir, "b.yaml")} line \\d: YAML syntax error`),
    );
  });

  it("has rule findings named by file and the path in that file", () => {
    const dir = directory({
      "a.yaml": { ...shared, workspaces: [workspace("app")] },
      "b.yaml": { workspaces: [workspace("web"), workspace("root", { policyArns: [ADMIN] })] },
    });
    const { config, locate } = loadConfig(dir);
    expect(locate("workspaces[2].policyArns[0]")).toBe(
      `${join(dir, "b.yaml")} line 7: workspaces[1].policyArns[0]`,
    );
    expect(locate("hcp.organization")).toBe(`${join(dir, "a.yaml")} line 2: hcp.organization`);
    expect(() => buildApp(config, { outdir: tempDir("unused-"), locate })).toThrow(
      `${join(dir, "b.yaml")} line 7: workspaces[1].policyArns[0]: [admin-access-needs-opt-in] workspace root gets AdministratorAccess`,
    );
  });

  it("fails if it holds no YAML files", () => {
    expect(() => loadConfig(directory({ "readme.txt": "x" }))).toThrow("holds no *.yaml files");
  });

  it("needs the hcp block in one of its files", () => {
    const dir = directory({
      "a.yaml": { aws: { region: "us-east-1" }, workspaces: [workspace("app")] },
    });
    expect(() => loadConfig(dir)).toThrow("hcp: is required (a mapping)");
  });
});

describe("the quick and the careful parse", () => {
  it("read every plain scalar alike, as YAML 1.2's core schema does", () => {
    const scalar = fc.string({
      unit: fc.constantFrom(
        "0",
        "1",
        "7",
        "9",
        ".",
        "e",
        "E",
        "+",
        "-",
        "_",
        "x",
        "o",
        "b",
        "a",
        "f",
        "n",
        "i",
        "N",
        "I",
        "~",
        ":",
      ),
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(scalar, (value) => {
        const text = `a: ${value}\n`;
        let expected: unknown;
        try {
          expected = parse(text).a;
        } catch {
          return;
        }
        expect(Object.is((loadYaml(text) as { a: unknown }).a, expected), value).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  const root = join(__dirname, "..");
  const texts = [
    readFileSync(join(root, "trust.yaml"), "utf8"),
    ...readdirSync(join(root, "examples"))
      .filter((name) => name.endsWith(".yaml"))
      .map((name) => readFileSync(join(root, "examples", name), "utf8")),
    "hcp: {organization: acme}\naws: {region: us-east-1}\nworkspaces:\n  - name: app\n    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n    tags: {Created: 2024-01-01, Count: '0x1F', Flag: 'yes'}\n",
  ];

  it.each(texts.map((text, i) => [i, text]))("read config %i the same way", (_, text) => {
    expect(parseConfigFiles([{ source: "trust.yaml", text }]).config).toEqual(
      carefulParse([{ source: "trust.yaml", text }]),
    );
  });
});
