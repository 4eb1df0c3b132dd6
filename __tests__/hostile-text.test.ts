/**
 * Config text reaches AWS and HCP Terraform exactly as written, or is refused: for every string
 * field of the config schema (taken from the JSON Schema, so a new field is covered the day it is
 * added), text that Terraform would evaluate is put in the field, the config synthesized, and
 * every string of the output read as Terraform reads it.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { configJsonSchema } from "../lib/config/json-schema";
import { ConfigError, parseConfig } from "../lib/config/load";
import { templateParts } from "../lib/terraform-text";
import { synthStacks } from "./helpers/synth";

const RO = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const BOUNDARY = "arn:aws:iam::111122223333:policy/Boundary";
const INLINE = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
};

/** Every role option, so each is a field a hostile value can go into. */
function options(name: string) {
  return {
    roleName: `r-${name}`,
    path: `/${name}/`,
    permissionsBoundary: BOUNDARY,
    tags: { Team: name },
    description: `role ${name}`,
  };
}

function grant(name: string) {
  return { policyArns: [RO], inlinePolicy: INLINE, ...options(name) };
}

/** A Stack entry takes every role option but the name: it makes a role per deployment. */
function withoutRoleName(entry: Record<string, unknown>) {
  const { roleName: _, ...rest } = entry;
  return rest;
}

function split(name: string) {
  return { plan: grant(`${name}-plan`), apply: grant(`${name}-apply`) };
}

/** Valid configs that together hold every string field of the schema. */
const BASES: ReadonlyArray<Record<string, unknown>> = [
  {
    hcp: { organization: "acme", hostname: "app.terraform.io", audience: "aws.workload.identity" },
    aws: {
      region: "us-east-1",
      accountId: "111122223333",
      oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
      assumeRoleArn: "arn:aws:iam::111122223333:role/deployer",
    },
    defaults: {
      path: "/defaults/",
      permissionsBoundary: BOUNDARY,
      tags: { Team: "platform" },
      description: "from defaults",
    },
    backend: {
      cloud: {
        organization: "acme",
        hostname: "app.terraform.io",
        workspacePrefix: "p-",
        project: "Platform",
      },
    },
    shards: { Apps: 2 },
    workspaces: [
      {
        name: "app",
        project: "Apps",
        account: "default",
        ...grant("app"),
        credentials: [
          { tag: "ONE", account: "default", ...grant("one") },
          { tag: "TWO", account: "default", ...split("two") },
        ],
      },
      { name: "split", project: "Apps", ...split("split") },
    ],
    projects: [
      {
        name: "Apps",
        account: "default",
        acknowledgeOwnRoles: ["app", "split"],
        ...grant("apps"),
      },
      { name: "Data", account: "default", ...split("data") },
    ],
    stacks: [
      {
        name: "net",
        project: "Platform",
        deployments: ["prod", "staging"],
        account: "default",
        ...withoutRoleName(grant("net")),
      },
    ],
    modules: [
      {
        name: "vpc",
        provider: "aws",
        subjectName: "terraform-aws-vpc",
        account: "default",
        ...grant("vpc"),
      },
    ],
  },
  {
    // A created provider (the audience in its client IDs), several accounts, an S3 backend.
    hcp: { organization: "acme" },
    accounts: {
      prod: {
        region: "us-east-1",
        accountId: "111122223333",
        assumeRoleArn: "arn:aws:iam::111122223333:role/deployer",
      },
    },
    backend: {
      s3: {
        bucket: "state-bucket",
        keyPrefix: "trust/",
        region: "us-east-1",
        dynamodbTable: "locks",
      },
    },
    workspaces: [{ name: "app", project: "Apps", account: "prod", policyArns: [RO] }],
  },
  {
    // HYOK: HCP Terraform's host and the default audience only, so a base of its own.
    hcp: { organization: "acme" },
    aws: { region: "us-east-1", accountId: "111122223333" },
    hyok: [
      {
        name: "primary",
        account: "default",
        kmsKey: "alias/hyok",
        region: "us-east-1",
        agentPool: "hyok-agents",
        kmsActions: ["kms:Encrypt", "kms:Decrypt"],
        ...options("hyok"),
      },
    ],
  },
];

type Segment = string | number | { key: true };

/** Every string field of the JSON Schema: a path of keys, `0` for list items, `{ key }` for a map key. */
function stringFields(): Segment[][] {
  const fields: Segment[][] = [];
  const walk = (node: Record<string, unknown> | undefined, path: Segment[]) => {
    if (node === undefined) return;
    if (node.type === "string") fields.push(path);
    if (node.type === "array") walk(node.items as Record<string, unknown>, [...path, 0]);
    if (node.type !== "object") return;
    for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, never>))
      walk(child, [...path, key]);
    const values = node.additionalProperties;
    if (values !== undefined && typeof values === "object") {
      if ((node.propertyNames as { type?: string } | undefined)?.type === "string")
        fields.push([...path, { key: true }]);
      walk(values as Record<string, unknown>, [...path, "*"]);
    }
  };
  walk(configJsonSchema(), []);
  return fields;
}

/** The places of a field in a base: `0` matches any list item, `*` any key. */
function placesIn(data: unknown, field: Segment[]): Array<Array<string | number>> {
  const [head, ...rest] = field;
  if (head === undefined) return [[]];
  if (data === null || typeof data !== "object") return [];
  if (typeof head === "object") return rest.length === 0 ? Object.keys(data).map((k) => [k]) : [];
  const keys =
    typeof head === "number" && Array.isArray(data)
      ? data.map((_, i) => i)
      : head === "*"
        ? Object.keys(data)
        : [head];
  return keys.flatMap((key) =>
    placesIn((data as Record<string | number, unknown>)[key], rest).map((p) => [key, ...p]),
  );
}

/** A copy of `base` with `value` at `path`; with `renameKey`, the last key renamed to `value`. */
function withValue(base: unknown, path: Array<string | number>, value: string, renameKey: boolean) {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (renameKey) {
    const inner = node[last];
    delete node[last];
    node[value] = inner;
  } else node[last] = value;
  return copy;
}

const PAYLOADS = [
  '${file("/etc/passwd")}',
  "%{ if true }x%{ endif }",
  "%{if(true)}x%{endif}",
  "$${already_escaped}",
  "$$${x}",
];

/** A payload as it may fit a field: as it is, as a path, and between markers that find it again. */
function valuesOf(payload: string): string[] {
  return [payload, `/${payload}/`, `<<${payload}>>`, `/<<${payload}>>/`];
}

/**
 * A sequence Terraform evaluates that came from a payload: the app's own expressions
 * (`${aws_iam_role.roles["ws_app"].arn}`, preconditions) hold none of the payloads' pieces.
 */
const FROM_PAYLOAD = /file\(|already_escaped|<<|^\$\{x\}$/;

/** Every string of the output as Terraform reads it; policy documents read as JSON, too. */
function readStrings(value: unknown, found: { texts: string[]; evaluated: string[] }): void {
  if (typeof value === "string") {
    let text = "";
    for (const part of templateParts(value)) {
      if (part.kind === "literal") text += part.text;
      else if (part.kind === "directive" || FROM_PAYLOAD.test(part.source))
        found.evaluated.push(part.source);
    }
    let json: unknown;
    try {
      json = text.startsWith("{") ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // A policy document: its strings are what AWS reads, already past Terraform.
    if (json === undefined) found.texts.push(text);
    else collectTexts(json, found.texts);
  } else if (Array.isArray(value)) for (const item of value) readStrings(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      readStrings(key, found);
      readStrings(item, found);
    }
  }
}

function collectTexts(value: unknown, texts: string[]): void {
  if (typeof value === "string") texts.push(value);
  else if (Array.isArray(value)) for (const item of value) collectTexts(item, texts);
  else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) {
      texts.push(key);
      collectTexts(item, texts);
    }
}

interface Place {
  readonly path: Array<string | number>;
  readonly renameKey: boolean;
}

function refusal(config: unknown): string | undefined {
  try {
    parseConfig(stringify(config));
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}

function outcome(config: unknown, value: string) {
  try {
    parseConfig(stringify(config));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { refused: error.message };
  }
  const found = { texts: [] as string[], evaluated: [] as string[] };
  readStrings(synthStacks(stringify(config)), found);
  const marked = found.texts.flatMap((t) => t.match(/<<.*?>>/gs) ?? []);
  return { found, marked, reached: found.texts.some((t) => t.includes(value)) };
}

describe("config text that Terraform would evaluate", () => {
  const fields = stringFields();

  it("is found in every string field of the schema, each present in a base config", () => {
    expect(fields.length).toBeGreaterThan(60);
    const missing = fields.filter((field) => BASES.every((b) => placesIn(b, field).length === 0));
    expect(missing.map((f) => JSON.stringify(f))).toEqual([]);
  });

  it.each(PAYLOADS)(
    "in any field, %j reaches the output as written, or the config is refused naming it",
    (payload) => {
      const accepted = new Set<string>();
      // Each field alone: refused with a message naming it, or accepted. The accepted ones are
      // then written all at once, one config per base and value, and synthesized.
      const batches = new Map<string, { base: unknown; value: string; places: Place[] }>();
      for (const field of fields) {
        const base = BASES.find((b) => placesIn(b, field).length > 0);
        const place = base === undefined ? undefined : placesIn(base, field)[0];
        if (base === undefined || place === undefined) continue;
        const renameKey = typeof field[field.length - 1] === "object";
        for (const value of valuesOf(payload)) {
          const refused = refusal(withValue(base, place, value, renameKey));
          const where = `${place.join(".")} = ${value}`;
          if (refused !== undefined) {
            // The message quotes the value, or names the field whose value it is.
            const named =
              refused.includes(JSON.stringify(value)) ||
              refused.includes(String(place[place.length - 1]));
            expect(named, `${where}: ${refused}`).toBe(true);
            expect(refused, where).not.toMatch(/^\s+at /m);
            continue;
          }
          accepted.add(String(place[place.length - 1]));
          const key = `${BASES.indexOf(base)} ${value}`;
          const batch = batches.get(key) ?? { base, value, places: [] };
          batch.places.push({ path: place, renameKey });
          batches.set(key, batch);
        }
      }
      for (const { base, value, places } of batches.values()) {
        const config = places.reduce(
          (data, { path, renameKey }) => withValue(data, path, value, renameKey),
          base,
        );
        const where = `${places.map((p) => p.path.join(".")).join(", ")} = ${value}`;
        const result = outcome(config, value);
        if ("refused" in result) throw new Error(`${where}: ${result.refused}`);
        expect(result.found.evaluated, where).toEqual([]);
        for (const marked of result.marked) expect(marked, where).toBe(`<<${payload}>>`);
      }
      // The fields that can hold such text do, so the check above is not vacuous.
      // (An audience and a path hold no spaces.)
      const holders = payload.includes(" ") ? ["description"] : ["audience", "description", "path"];
      expect([...accepted].sort()).toEqual(expect.arrayContaining(holders));
    },
    // Hundreds of configs checked, some synthesized: more than the default 30 s on a loaded machine.
    180_000,
  );

  it.each([
    ["hcp.audience", '<<${file("/etc/passwd")}%{if(true)}x%{endif}$${y}>>'],
    ["workspaces.0.description", '<<${file("/etc/passwd")} %{ if true }x%{ endif } $${y}>>'],
    ["workspaces.0.path", '/<<${file("/etc/passwd")}%{if(true)}x%{endif}$${y}>>/'],
  ])("written into %s, reaches every place of the output exactly", (at, value) => {
    const place = at.split(".").map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    const result = outcome(withValue(BASES[1], place, value, false), value);
    if ("refused" in result) throw new Error(result.refused);
    expect(result.reached).toBe(true);
    expect(result.found.evaluated).toEqual([]);
    expect(result.marked.length).toBeGreaterThan(0);
    for (const marked of result.marked) expect(marked).toBe(value.replace(/^\/|\/$/g, ""));
  });

  it("in an inline policy, reaches AWS as written", () => {
    const value = '<<${file("/etc/passwd")}%{ if true }x%{ endif }>>';
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalTag/team": value } },
        },
      ],
    };
    const config = structuredClone(BASES[1]) as { workspaces: Array<Record<string, unknown>> };
    for (const ws of config.workspaces) ws.inlinePolicy = policy;
    const result = outcome(config, value);
    if ("refused" in result) throw new Error(result.refused);
    expect(result.found.evaluated).toEqual([]);
    expect(result.marked).toContain(value);
    for (const marked of result.marked) expect(marked).toBe(value);
  });
});

describe("cdktf's own token syntax in config text", () => {
  it.each([
    ["hcp", "audience"],
    ["workspaces", 0, "description"],
    ["workspaces", 0, "path"],
  ])("in %s.%s is refused with a message that names it, and never resolved", (...place) => {
    for (const marker of ["${TfToken[TOKEN.1]}", "#{TfToken[TOKEN.1]}", "/${TfToken[TOKEN.1]}/"]) {
      const config = withValue(BASES[1], place, marker, false);
      expect(() => parseConfig(stringify(config))).toThrow(
        /holds "[$#]\{TfToken\[", which cdktf .* reads as a reference to one of its own values/,
      );
    }
  });

  it("inside an inline policy is refused with its line", () => {
    const text = stringify(BASES[1]).replace(
      "policyArns:",
      'inlinePolicy: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::b/${TfToken[TOKEN.3]}" }] }\n    policyArns:',
    );
    expect(() => parseConfig(text)).toThrow(
      /line \d+: workspaces\[0\]\.inlinePolicy\.Statement\[0\]\.Resource: the text .* holds "\$\{TfToken\["/,
    );
  });
});
