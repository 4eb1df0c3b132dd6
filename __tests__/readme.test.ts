import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as limits from "../lib/config/limits";
import { REQUIRED_TERRAFORM_VERSION } from "../lib/constructs/backend";
import { byAddress, synth } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Each README code block marked `<!-- example: PATH -->`, with the file it shows. */
const examples = [...README.matchAll(/<!-- example: (\S+) -->\n```yaml\n([\s\S]*?)```\n/g)].map(
  ([, path = "", block = ""]) => [path, block] as const,
);

describe("the README", () => {
  it("shows the example configs", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples)("shows %s exactly as the file holds it", (path, block) => {
    expect(existsSync(join(ROOT, path))).toBe(true);
    expect(block).toBe(readFileSync(join(ROOT, path), "utf8"));
  });

  it("gives the test command that CI runs", () => {
    expect(README).toContain("npm test ");
    expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
  });
});

describe("the README's description of one synth", () => {
  const section = README.slice(
    README.indexOf("## What one synth contains"),
    README.indexOf("### Stacks: how many"),
  );
  const config = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  // Rows whose text says they depend on the config ("when given", "only when") are not expected here.
  const listed = [...section.matchAll(/^\| `([a-z_.]+\.[A-Za-z0-9_.\-[\]"]+)`[^|]*\|(.*)\|$/gm)]
    .filter((m) => !/when given|only when/.test(m[2] ?? ""))
    .map((m) => m[1] ?? "");

  const stack = synth(config);

  it("lists the addresses that config synthesizes to", () => {
    const addresses = new Set(byAddress(stack).keys());
    expect(listed.length).toBeGreaterThanOrEqual(10);
    expect(listed).toContain('aws_iam_role.roles["ws_networking-prod"]');
    for (const address of listed) {
      expect(addresses.has(address), address).toBe(true);
    }
  });

  it("shows the trust policy that config synthesizes to", () => {
    const shown = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const role = stack.resource?.aws_iam_role?.['roles["ws_networking-prod"]'];
    expect(JSON.parse(shown)).toEqual(JSON.parse(String(role?.assume_role_policy)));
  });

  it("gives the Terraform version every stack requires", () => {
    expect(section).toContain(`requires Terraform \`${REQUIRED_TERRAFORM_VERSION}\``);
  });
});

describe("the README's limits", () => {
  const section = README.slice(README.indexOf("**Limits.**"), README.indexOf("## Safety rules"));
  const rows = [...section.matchAll(/^\| (.+?) \| (.+?) \|$/gm)].map(([, what = "", most = ""]) => [
    what,
    most,
  ]);

  it.each([
    ["config size", `${limits.MAX_CONFIG_BYTES.toLocaleString("en-US")} bytes`],
    ["entries of a config directory", limits.MAX_DIRECTORY_ENTRIES.toLocaleString("en-US")],
    ["values after YAML aliases", limits.MAX_VALUES.toLocaleString("en-US")],
    ["nesting", `${limits.MAX_DEPTH} levels`],
    ["workspaces", limits.MAX_WORKSPACES.toLocaleString("en-US")],
    ["projects", limits.MAX_PROJECTS.toLocaleString("en-US")],
    ["Stacks entries", limits.MAX_STACKS.toLocaleString("en-US")],
    ["deployments of one Stacks entry", String(limits.MAX_DEPLOYMENTS)],
    ["modules", limits.MAX_MODULES.toLocaleString("en-US")],
    ["accounts", String(limits.MAX_ACCOUNTS)],
    ["IAM roles", limits.MAX_ROLES.toLocaleString("en-US")],
  ])("list %s as the code has it: %s", (what, most) => {
    const row = rows.find(([name]) => name?.startsWith(what));
    expect(row?.[1]).toContain(most);
  });
});
