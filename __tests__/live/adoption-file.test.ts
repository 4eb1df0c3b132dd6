import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AdoptionFileError,
  adoptionPathFor,
  MAX_ADOPTION_BYTES,
  parseAdoption,
  readAdoption,
  writeAdoption,
} from "../../lib/live/adoption-file";
import type { Adoption } from "../../lib/live/adoption-format";

const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const SET = "varset-0000000000000007";

/** An adoption of every kind of entry. */
const full: Adoption = {
  version: 1,
  organization: "acme",
  hostname: "app.terraform.io",
  accounts: {
    default: {
      accountId: "111122223333",
      oidcProviders: {
        "app.terraform.io": "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
      },
      roles: {
        "tfc-acme-app": {
          id: "tfc-acme-app",
          policyAttachments: { [READ_ONLY]: `tfc-acme-app/${READ_ONLY}` },
          inlinePolicies: { inline: "tfc-acme-app:inline" },
        },
      },
    },
  },
  workspaces: {
    app: { variables: { TFC_AWS_RUN_ROLE_ARN: "acme/app/var-0000000000000001" } },
    "payments-api": { id: "ws-0000000000000002" },
  },
  variableSets: {
    "hcp-aws-trust: Data Platform": {
      id: SET,
      projects: { "Data Platform": "acme/prj-0000000000000003/hcp-aws-trust: Data Platform" },
      variables: { TFC_AWS_PROVIDER_AUTH: `acme/${SET}/var-0000000000000004` },
    },
  },
};

const dir = () => mkdtempSync(join(process.env.TMPDIR ?? ".tmp", "adoption-"));
const problemsOf = (value: unknown): string => {
  try {
    parseAdoption(JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(AdoptionFileError);
    return (error as Error).message;
  }
  throw new Error("expected the file to be refused");
};
type Tree = { [key: string]: Tree | string | number };
/** A copy of the full adoption with one value set at a path (objects on the way are created). */
const edit = (path: string[], value: Tree | string | number): Tree => {
  const copy = structuredClone(full) as unknown as Tree;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Tree;
  }
  Object.defineProperty(node, path[path.length - 1] ?? "", {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
};

describe("the adoption file", () => {
  it("reads back what it writes, keys sorted, the same bytes on every write", () => {
    const path = join(dir(), "trust.imports.json");
    writeAdoption(path, full);
    const first = readFileSync(path, "utf8");
    expect(readAdoption(path)).toEqual(full);
    writeAdoption(path, readAdoption(path));
    expect(readFileSync(path, "utf8")).toBe(first);
    expect(first.indexOf('"payments-api"')).toBeGreaterThan(first.indexOf('"app"'));
    expect(first.startsWith('{\n  "version": 1,')).toBe(true);
  });

  it("lives beside a config file, named after it, and inside a config directory", () => {
    const folder = dir();
    mkdirSync(join(folder, "trust.d"));
    expect(adoptionPathFor(join(folder, "trust.yaml"))).toBe(join(folder, "trust.imports.json"));
    expect(adoptionPathFor(join(folder, "prod.yaml"))).toBe(join(folder, "prod.imports.json"));
    expect(adoptionPathFor(join(folder, "trust.d"))).toBe(
      join(folder, "trust.d", "trust.imports.json"),
    );
  });

  it("refuses a missing file, and text that is not JSON", () => {
    expect(() => readAdoption(join(dir(), "none.json"))).toThrow(/not found/);
    expect(() => parseAdoption("{ version: 1 }")).toThrow(/is not valid JSON/);
  });

  it("refuses a key given twice, which a reviewer would see once", () => {
    const text =
      '{\n  "version": 1,\n  "organization": "acme",\n  "organization": "evil",\n  "hostname": "app.terraform.io"\n}';
    expect(() => parseAdoption(text)).toThrow(/gives a key twice \(line 4\)/);
  });

  it("reads a file of the size limit, and refuses one a byte larger", () => {
    const folder = dir();
    const body = JSON.stringify(full);
    const at = join(folder, "at.json");
    writeFileSync(at, body + " ".repeat(MAX_ADOPTION_BYTES - body.length));
    expect(readAdoption(at)).toEqual(full);
    const over = join(folder, "over.json");
    writeFileSync(over, body + " ".repeat(MAX_ADOPTION_BYTES - body.length + 1));
    expect(() => readAdoption(over)).toThrow(
      `is ${MAX_ADOPTION_BYTES + 1} bytes; at most ${MAX_ADOPTION_BYTES} bytes are read`,
    );
  });

  it("refuses another version, and unknown keys, naming where", () => {
    expect(problemsOf({ ...full, version: 2 })).toContain("version: 2 is not a supported version");
    expect(problemsOf(edit(["workspaces", "app", "importIds"], {}))).toContain(
      'workspaces.app: unknown key "importIds"',
    );
  });

  it.each([
    [
      "a role ID that is not its name",
      ["accounts", "default", "roles", "tfc-acme-app", "id"],
      "other-role",
      'accounts.default.roles.tfc-acme-app.id: "other-role" is not the import ID this entry needs; expected "tfc-acme-app"',
    ],
    [
      "an attachment of another role",
      ["accounts", "default", "roles", "tfc-acme-app", "policyAttachments", READ_ONLY],
      `other/${READ_ONLY}`,
      `expected "tfc-acme-app/${READ_ONLY}"`,
    ],
    [
      "an inline policy of another role",
      ["accounts", "default", "roles", "tfc-acme-app", "inlinePolicies", "inline"],
      "other:inline",
      'expected "tfc-acme-app:inline"',
    ],
    [
      "a provider of another account",
      ["accounts", "default", "oidcProviders", "app.terraform.io"],
      "arn:aws:iam::999988887777:oidc-provider/app.terraform.io",
      'expected "arn:PARTITION:iam::111122223333:oidc-provider/app.terraform.io"',
    ],
    [
      "a workspace variable of another workspace",
      ["workspaces", "app", "variables", "TFC_AWS_RUN_ROLE_ARN"],
      "acme/other/var-0000000000000001",
      'expected "acme/app/var-ID"',
    ],
    [
      "a workspace variable of another organization",
      ["workspaces", "app", "variables", "TFC_AWS_RUN_ROLE_ARN"],
      "evil/app/var-0000000000000001",
      'expected "acme/app/var-ID"',
    ],
    [
      "a set variable of another set",
      ["variableSets", "hcp-aws-trust: Data Platform", "variables", "TFC_AWS_PROVIDER_AUTH"],
      "acme/varset-0000000000000009/var-1",
      `expected "acme/${SET}/var-ID"`,
    ],
    [
      "a project attachment of another set",
      ["variableSets", "hcp-aws-trust: Data Platform", "projects", "Data Platform"],
      "acme/prj-1/other",
      'expected "acme/prj-ID/hcp-aws-trust: Data Platform"',
    ],
    [
      "Terraform interpolation in an ID",
      ["workspaces", "app", "variables", "TFC_AWS_RUN_ROLE_ARN"],
      'acme/app/var-${file("/etc/passwd")}',
      'expected "acme/app/var-ID"',
    ],
    [
      "a variable set ID the provider would not read as one",
      ["variableSets", "hcp-aws-trust: Data Platform", "id"],
      "varset-short",
      '"varset-short" is not a variable set ID',
    ],
    [
      "a workspace ID of another form",
      ["workspaces", "payments-api", "id"],
      "acme/payments-api",
      '"acme/payments-api" is not a workspace ID',
    ],
    [
      "a key other than a TFC_AWS_ variable",
      ["workspaces", "app", "variables", "AWS_SECRET_ACCESS_KEY"],
      "acme/app/var-1",
      '"AWS_SECRET_ACCESS_KEY" is not a TFC_AWS_* variable key',
    ],
    [
      "a __proto__ key",
      ["workspaces", "__proto__"],
      {},
      'workspaces.__proto__: "__proto__" is not a valid key',
    ],
  ] as const)(
    "refuses %s, naming the entry and the form it needs",
    (_what, path, value, message) => {
      expect(problemsOf(edit([...path], value))).toContain(message);
    },
  );

  it("refuses variables of a workspace whose name the tfe provider would read as a variable set ID", () => {
    const name = "team-varset-abcdefghijklmnop";
    const message = problemsOf(
      edit(["workspaces", name], { variables: { TFC_AWS_PROVIDER_AUTH: `acme/${name}/var-1` } }),
    );
    expect(message).toContain("ends like a variable set ID");
  });

  it("lists every problem at once", () => {
    const both = edit(["organization"], "acme corp");
    const accounts = both.accounts as Tree;
    (accounts.default as Tree).accountId = "12";
    const message = problemsOf(both);
    expect(message).toMatch(/^Invalid adoption file trust.imports.json \(\d+ problems\):/);
    expect(message).toContain('organization: "acme corp" is not an organization name');
    expect(message).toContain('accounts.default.accountId: "12" is not a 12-digit AWS account ID');
  });

  it("is never written with content it would refuse to read", () => {
    const bad = edit(
      ["workspaces", "app", "variables", "TFC_AWS_RUN_ROLE_ARN"],
      "acme/other/var-1",
    ) as unknown as Adoption;
    expect(() => writeAdoption(join(dir(), "trust.imports.json"), bad)).toThrow(AdoptionFileError);
  });
});
