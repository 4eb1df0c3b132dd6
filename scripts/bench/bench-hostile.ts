import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Hostile configs of about 100 KB each, for `npm run bench`: each must be synthesized or refused
 * within 10 s and 500 MB, with no stack trace (see "What is rejected" in the README).
 */
export function hostileConfigs(): Array<{ name: string; text: string }> {
  const head = "hcp: { organization: acme }\naws: { region: us-east-1 }\n";
  const fill = (text: string, line: (i: number) => string) => {
    let out = text;
    for (let i = 0; out.length < 100_000; i++) out += line(i);
    return out;
  };
  let bomb = "lol:\n  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (let i = 1; i < 12; i++)
    bomb += `  - &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]\n`;
  const ws = (i: number) =>
    `  - { name: w${i}, project: Apps, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }\n`;
  return [
    {
      name: "alias bomb in an inline policy",
      text: fill(`${head}${bomb}workspaces:\n  - { name: app, inlinePolicy: *a11 }\n`, ws),
    },
    {
      name: "alias bomb under an unknown key",
      text: fill(`${head}${bomb}bomb: *a11\nworkspaces:\n`, ws),
    },
    { name: "flow lists 50,000 deep", text: `a: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n` },
    {
      name: "20,000 aliases and a YAML tag",
      text: fill(`${head}x: !custom 1\nlist: &x [1]\nmany:\n`, () => "  - *x\n"),
    },
    { name: "1,100 valid workspaces", text: fill(`${head}workspaces:\n`, ws) },
    {
      name: "credentials by alias (too many roles)",
      text: fill(
        `${head}c: &c [${Array.from({ length: 200 }, (_, i) => `{ tag: T${i}, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }`).join(", ")}]\nworkspaces:\n`,
        (i) => `  - { name: w${i}, credentials: *c }\n`,
      ),
    },
    {
      name: "Terraform templates in descriptions",
      text: fill(
        `${head}workspaces:\n`,
        (i) =>
          `  - { name: w${i}, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess], description: '\${file("/etc/passwd")}%{ if true }x%{ endif }' }\n`,
      ),
    },
    {
      name: "every entry invalid",
      text: fill(`${head}workspaces:\n`, (i) => `  - { name: "w${i}*" }\n`),
    },
  ];
}

/** Runs each hostile config through the compiled app and prints a line per config. */
export function benchHostile(probe: string, main: string, work: string): void {
  console.log("\nhostile configs (about 100 KB each): exit status, wall time, peak memory");
  console.log(["config", "bytes", "exit", "ms", "peak MB", "stack trace"].join("\t"));
  for (const { name, text } of hostileConfigs()) {
    const config = join(work, "hostile.yaml");
    const outdir = join(work, "hostile-out");
    writeFileSync(config, text);
    rmSync(outdir, { recursive: true, force: true });
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--require", probe, main], {
      env: { ...process.env, TRUST_CONFIG: config, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const rss = Number(/bench-probe maxrss-kb=(\d+)/.exec(result.stderr)?.[1] ?? Number.NaN) / 1024;
    const trace = /^\s+at .+:\d+:\d+\)?$/m.test(result.stderr) ? "YES" : "no";
    console.log(
      [name, text.length, result.status, ms.toFixed(0), rss.toFixed(0), trace].join("\t"),
    );
  }
}
