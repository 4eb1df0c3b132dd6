/**
 * Each limit of lib/config/limits.ts, from both sides: at the limit accepted, one past refused
 * with a message naming the limit and the value, and never a stack trace.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  dataProblems,
  MAX_ACCOUNTS,
  MAX_CONFIG_BYTES,
  MAX_DEPLOYMENTS,
  MAX_DEPTH,
  MAX_DIRECTORY_ENTRIES,
  MAX_MODULES,
  MAX_PROJECTS,
  MAX_ROLES,
  MAX_STACKS,
  MAX_VALUES,
  MAX_WORKSPACES,
} from "../lib/config/limits";
import { ConfigError, loadConfig, parseConfig } from "../lib/config/load";
import { baseConfig, tempDir, workspace } from "./helpers/synth";

/** Limits at full size take seconds on a loaded machine. */
const SLOW = 120_000;

function refusal(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

function workspaces(count: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) => workspace(`w${i}`, extra));
}

/** Flow style: one line per entry, so large configs stay small. */
function flowConfig(config: Record<string, unknown>): string {
  return stringify(config, { collectionStyle: "flow", lineWidth: 0 });
}

describe("the size of the config", () => {
  const valid = stringify(baseConfig());
  const padded = (bytes: number) =>
    `${valid}#${"x".repeat(bytes - Buffer.byteLength(valid) - 2)}\n`;

  it(`accepts a file of ${MAX_CONFIG_BYTES} bytes, and refuses one byte more, naming both`, () => {
    const dir = tempDir("size-");
    const atLimit = join(dir, "at.yaml");
    const over = join(dir, "over.yaml");
    writeFileSync(atLimit, padded(MAX_CONFIG_BYTES));
    writeFileSync(over, padded(MAX_CONFIG_BYTES + 1));
    expect(loadConfig(atLimit).config.hcp.organization).toBe("acme");
    expect(() => loadConfig(over)).toThrow(
      `${over} is 2,097,153 bytes; a config is at most 2,097,152 bytes (2 MiB)`,
    );
    expect(() => parseConfig(padded(MAX_CONFIG_BYTES + 1))).toThrow(
      "the config is 2,097,153 bytes; at most 2,097,152 (2 MiB) are allowed",
    );
  });

  it("counts the files of a config directory together", () => {
    const dir = tempDir("size-dir-");
    writeFileSync(join(dir, "a.yaml"), padded(MAX_CONFIG_BYTES / 2));
    writeFileSync(join(dir, "b.yaml"), `#${"x".repeat(MAX_CONFIG_BYTES / 2 - 1)}\n`);
    expect(() => loadConfig(dir)).toThrow(/the 2 config files are 2,097,153 bytes together/);
  });
});

describe("the number of values, YAML aliases expanded", () => {
  /** A list of `count` values in all: the list itself and its scalars. */
  const data = (count: number) => ({ list: Array.from({ length: count - 2 }, () => "x") });

  it(`accepts ${MAX_VALUES.toLocaleString("en-US")} values and refuses one more`, () => {
    expect(dataProblems(data(MAX_VALUES))).toEqual([]);
    expect(dataProblems(data(MAX_VALUES + 1))).toEqual([
      {
        path: [],
        message:
          "the config holds more than 1,000,000 values (mappings, lists and scalars, each YAML alias counted wherever it is used); that is the limit",
      },
    ]);
  });

  it.each([
    ["in an inline policy", "workspaces:\n  - name: app\n    inlinePolicy: *a9\n"],
    ["under an unknown key", "bomb: *a9\nworkspaces: [{ name: app, policyArns: [x] }]\n"],
    ["as the workspaces list", "workspaces: *a9\n"],
  ])("refuses an alias bomb %s quickly, with the limit and no stack trace", (_, tail) => {
    let text =
      "hcp: { organization: acme }\naws: { region: us-east-1 }\nlol:\n  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (let i = 1; i < 10; i++)
      text += `  - &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]\n`;
    const message = refusal(text + tail);
    expect(message).toContain("holds more than 1,000,000 values");
    expect(message).not.toMatch(/^\s+at /m);
  });
});

describe("the nesting depth", () => {
  const nested = (levels: number): unknown => (levels === 1 ? ["x"] : [nested(levels - 1)]);

  it(`accepts ${MAX_DEPTH} levels of lists and mappings and refuses ${MAX_DEPTH + 1}, naming where`, () => {
    expect(dataProblems(nested(MAX_DEPTH))).toEqual([]);
    const [problem] = dataProblems({ a: nested(MAX_DEPTH) });
    expect(problem?.path).toEqual(["a", ...Array(MAX_DEPTH - 1).fill(0)]);
    expect(problem?.message).toBe(
      "mappings and lists nest more than 32 levels deep here; that is the limit (a valid config needs about 10)",
    );
  });

  it.each([
    ["a flow list 100,000 deep", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`],
    [
      "a block mapping 40 deep",
      Array.from({ length: 40 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"),
    ],
  ])("refuses %s with the limit and no stack trace", (_, text) => {
    const message = refusal(text);
    expect(message).toMatch(/nest (more than 32 levels deep|too deep to parse; at most 32)/);
    expect(message).not.toMatch(/^\s+at /m);
  });
});

describe("the number of entries", () => {
  it(
    `accepts ${MAX_WORKSPACES.toLocaleString("en-US")} workspaces and refuses one more`,
    () => {
      const config = baseConfig({ workspaces: workspaces(MAX_WORKSPACES) });
      expect(parseConfig(flowConfig(config)).workspaces).toHaveLength(MAX_WORKSPACES);
      config.workspaces = workspaces(MAX_WORKSPACES + 1);
      expect(refusal(flowConfig(config))).toContain(
        "workspaces: 10,001 workspaces; at most 10,000 are allowed",
      );
    },
    SLOW,
  );

  it(
    `accepts ${MAX_PROJECTS.toLocaleString("en-US")} projects and refuses one more`,
    () => {
      const projects = (count: number) =>
        Array.from({ length: count }, (_, i) => ({
          name: `project-${i}`,
          policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        }));
      const config = baseConfig({ projects: projects(MAX_PROJECTS) });
      expect(parseConfig(flowConfig(config)).projects).toHaveLength(MAX_PROJECTS);
      config.projects = projects(MAX_PROJECTS + 1);
      expect(refusal(flowConfig(config))).toContain(
        "projects: 1,001 projects; at most 1,000 are allowed",
      );
    },
    SLOW,
  );

  it(
    `accepts ${MAX_STACKS.toLocaleString("en-US")} Stacks entries and ${MAX_MODULES.toLocaleString("en-US")} modules, and refuses one more of each`,
    () => {
      const grant = { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] };
      const stacks = (count: number) =>
        Array.from({ length: count }, (_, i) => ({
          name: `stack-${i}`,
          project: "Platform",
          deployments: "any",
          ...grant,
        }));
      const modules = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ name: `m${i}`, provider: "aws", ...grant }));
      const config = baseConfig({ stacks: stacks(MAX_STACKS), modules: modules(MAX_MODULES) });
      const parsed = parseConfig(flowConfig(config));
      expect([parsed.stacks?.length, parsed.modules?.length]).toEqual([MAX_STACKS, MAX_MODULES]);
      config.stacks = stacks(MAX_STACKS + 1);
      config.modules = modules(MAX_MODULES + 1);
      const message = refusal(flowConfig(config));
      expect(message).toContain("stacks: 1,001 stacks; at most 1,000 are allowed");
      expect(message).toContain("modules: 1,001 modules; at most 1,000 are allowed");
    },
    SLOW,
  );

  it(`accepts ${MAX_DEPLOYMENTS} deployments in one Stacks entry and refuses one more`, () => {
    const entry = (count: number) => ({
      name: "net",
      project: "Platform",
      deployments: Array.from({ length: count }, (_, i) => `d${i}`),
      policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    });
    const config = baseConfig({ stacks: [entry(MAX_DEPLOYMENTS)] });
    expect(parseConfig(flowConfig(config)).stacks?.[0]?.deployments).toHaveLength(MAX_DEPLOYMENTS);
    config.stacks = [entry(MAX_DEPLOYMENTS + 1)];
    expect(refusal(flowConfig(config))).toContain(
      `stacks[0].deployments: give a list of 1 to ${MAX_DEPLOYMENTS} deployment names`,
    );
  });

  it(`accepts ${MAX_ACCOUNTS} accounts and refuses one more`, () => {
    const accounts = (count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`a${i}`, { region: "us-east-1" }]),
      );
    const config = {
      hcp: { organization: "acme" },
      accounts: accounts(MAX_ACCOUNTS),
      workspaces: [workspace("app", { account: "a0" })],
    };
    expect(Object.keys(parseConfig(flowConfig(config)).accounts ?? {})).toHaveLength(MAX_ACCOUNTS);
    config.accounts = accounts(MAX_ACCOUNTS + 1);
    expect(refusal(flowConfig(config))).toContain(
      "accounts: 101 accounts; at most 100 are allowed",
    );
  });

  it(
    `accepts a config that asks for ${MAX_ROLES.toLocaleString("en-US")} roles and refuses one more`,
    () => {
      const phases = {
        plan: { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        apply: { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
      };
      const split = workspaces(MAX_ROLES / 2).map(({ name }) => ({ name, ...phases }));
      const config = baseConfig({ workspaces: split });
      expect(parseConfig(flowConfig(config)).workspaces).toHaveLength(MAX_ROLES / 2);
      config.projects = [{ name: "Apps", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }];
      expect(refusal(flowConfig(config))).toContain(
        "(top level): the config asks for 20,001 IAM roles; at most 20,000 are allowed",
      );
    },
    SLOW,
  );

  it(
    `reads a config directory of ${MAX_DIRECTORY_ENTRIES.toLocaleString("en-US")} entries and refuses one more`,
    () => {
      const dir = tempDir("entries-");
      writeFileSync(join(dir, "00-shared.yaml"), stringify(baseConfig()));
      for (let i = 1; i < MAX_DIRECTORY_ENTRIES; i++) writeFileSync(join(dir, `note-${i}.txt`), "");
      expect(loadConfig(dir).config.hcp.organization).toBe("acme");
      writeFileSync(join(dir, "one-more.txt"), "");
      expect(() => loadConfig(dir)).toThrow(
        `the config directory "${dir}" has 20,001 entries; at most 20,000 are allowed`,
      );
    },
    SLOW,
  );
});
