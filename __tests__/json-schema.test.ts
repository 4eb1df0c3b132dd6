import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runSchema } from "../lib/cli/schema";
import {
  configJsonSchema,
  configJsonSchemaText,
  JSON_SCHEMA_PATH,
} from "../lib/config/json-schema";

const ROOT = join(__dirname, "..");
const committed = readFileSync(join(ROOT, JSON_SCHEMA_PATH), "utf8");
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(committed));

const CONFIGS = [
  "trust.yaml",
  ...readdirSync(join(ROOT, "examples"))
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => `examples/${name}`),
  "examples/bootstrap/00-shared.yaml",
];

describe("the JSON Schema", () => {
  it("is up to date: run `npm run schema` after changing the config schema", () => {
    expect(committed).toBe(configJsonSchemaText());
  });

  it.each(CONFIGS)("accepts %s", (path) => {
    const valid = validate(parse(readFileSync(join(ROOT, path), "utf8")));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(CONFIGS.filter((path) => path !== "examples/bootstrap/00-shared.yaml"))(
    "is named on the first line of %s",
    (path) => {
      expect(readFileSync(join(ROOT, path), "utf8").split("\n")[0]).toMatch(
        /^# yaml-language-server: \$schema=(\.\.?\/)+trust\.schema\.json$/,
      );
    },
  );

  it.each([
    [
      "a misspelt key",
      {
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        workspaces: [{ name: "a", polcyArns: [] }],
      },
    ],
    ["a missing hcp block", { aws: { region: "us-east-1" }, workspaces: [{ name: "a" }] }],
    ["a name of the wrong type", { hcp: { organization: 42 } }],
    ["an empty workspaces list", { hcp: { organization: "acme" }, workspaces: [] }],
    [
      "a project's acknowledgeOwnRoles that is not a list of names",
      {
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        projects: [{ name: "Apps", policyArns: [], acknowledgeOwnRoles: "apps-billing" }],
      },
    ],
  ])("rejects %s", (_, config) => {
    expect(validate(config)).toBe(false);
  });

  it("accepts a project that acknowledges the workspaces with roles of their own, and describes the key", () => {
    const config = {
      hcp: { organization: "acme" },
      aws: { region: "us-east-1" },
      projects: [{ name: "Apps", policyArns: [], acknowledgeOwnRoles: ["apps-billing"] }],
      workspaces: [{ name: "apps-billing", project: "Apps", policyArns: [] }],
    };
    expect(validate(config)).toBe(true);
    const projects = (
      configJsonSchema() as {
        properties: {
          projects: { items: { properties: Record<string, { description?: string }> } };
        };
      }
    ).properties.projects.items.properties;
    expect(projects.acknowledgeOwnRoles?.description).toContain("the project's role still admits");
  });
});

/** The rows `| \`key\` | ... | meaning |` of the README table under a heading, by key. */
function readmeTable(readme: string, heading: string): Map<string, string> {
  const start = readme.indexOf(heading);
  const rest = readme.slice(start + heading.length);
  const end = rest.search(/\n#{2,3} /);
  const rows = new Map<string, string>();
  for (const line of (end === -1 ? rest : rest.slice(0, end)).split("\n")) {
    const match = /^\| `([A-Za-z]+)` \|/.exec(line);
    const cells = line.split("|").slice(1, -1);
    if (match?.[1] !== undefined) rows.set(match[1], (cells[cells.length - 1] ?? "").trim());
  }
  return rows;
}

describe("the README's config reference", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  interface SchemaNode {
    description?: string;
    properties: Record<string, SchemaNode>;
    items: SchemaNode;
  }
  type Properties = Record<string, SchemaNode>;
  const schema = configJsonSchema() as unknown as {
    properties: {
      hcp: SchemaNode;
      aws: SchemaNode;
      workspaces: SchemaNode;
      projects: SchemaNode;
      stacks: SchemaNode;
      modules: SchemaNode;
      hyok: SchemaNode;
    };
  };
  const withoutLinks = (text: string) => text.replace(/\[([^\]]+)\]\(#[^)]+\)/g, "$1");
  const tables: Array<[string, Properties]> = [
    ["### `hcp`", schema.properties.hcp.properties],
    ["### `aws` (one account) or `accounts` (several)", schema.properties.aws.properties],
    ["### `workspaces`", schema.properties.workspaces.items.properties],
    ["### `projects`", schema.properties.projects.items.properties],
    ["### Role options", schema.properties.workspaces.items.properties],
    ["### `stacks`", schema.properties.stacks.items.properties],
    ["### `modules`", schema.properties.modules.items.properties],
    ["### `hyok`", schema.properties.hyok.items.properties],
  ];

  it.each(tables)("says under %s what the schema's descriptions say", (heading, properties) => {
    const rows = readmeTable(readme, heading);
    expect(rows.size).toBeGreaterThan(0);
    for (const [key, meaning] of rows) {
      expect(properties[key]?.description, `${heading} ${key}`).toBe(withoutLinks(meaning));
    }
  });

  it("documents every key of a workspace, a project, a Stack, a module, a HYOK entry and an account", () => {
    const documented = new Set(
      tables.flatMap(([heading]) => [...readmeTable(readme, heading).keys()]),
    );
    for (const properties of [
      schema.properties.workspaces.items.properties,
      schema.properties.projects.items.properties,
      schema.properties.stacks.items.properties,
      schema.properties.modules.items.properties,
      schema.properties.hyok.items.properties,
      schema.properties.aws.properties,
    ]) {
      for (const key of Object.keys(properties)) {
        if (key === "plan" || key === "apply") continue; // documented together in one row
        expect(documented.has(key), key).toBe(true);
      }
    }
  });
});

describe("npm run schema", () => {
  function run(args: string[]) {
    const written: string[] = [];
    const out: string[] = [];
    const err: string[] = [];
    const status = runSchema(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, (path) =>
      written.push(path),
    );
    return { status, written, stdout: out.join("\n"), stderr: err.join("\n") };
  }

  it("writes the schema when given no arguments", () => {
    const { status, written, stdout } = run([]);
    expect(status).toBe(0);
    expect(written).toEqual([JSON_SCHEMA_PATH]);
    expect(stdout).toBe(`wrote ${JSON_SCHEMA_PATH}`);
  });

  it.each([["--bogus"], ["--out", "x.json"], ["extra"]])(
    "refuses %s with exit 2 and the usage, and writes nothing",
    (...args) => {
      const { status, written, stderr } = run(args);
      expect(status).toBe(2);
      expect(written).toEqual([]);
      expect(stderr).toMatch(/^schema: .+\n\nUsage: npm run schema/);
    },
  );
});
