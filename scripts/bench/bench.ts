import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { apiCost } from "../../lib/api-cost";
import { diagram } from "../../lib/report/diagram";
import { REPORT_JSON_FILE } from "../../lib/report/markdown";
import type { TrustReport } from "../../lib/report/model";
import { REPORT_FILE } from "../../lib/report/write";
import { readSynthesizedStacks } from "../../lib/synth-output";
import { benchHostile } from "./bench-hostile";

/**
 * `npm run bench`: synthesizes generated configs of growing size, each in fresh processes of
 * the compiled app, and prints wall time and peak memory against two floors: an empty node
 * process, and a plain script writing an equally large JSON.
 * BENCH_SIZES (default 1,100,1000,5000) and BENCH_RUNS (default 5) change the plan.
 */

const ROOT = join(__dirname, "..", "..", "..");
const DIST = join(ROOT, "dist");
const SIZES = (process.env.BENCH_SIZES ?? "1,100,1000,5000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORK = join(tmpdir(), "hcp-aws-trust-bench");

interface Sample {
  readonly ms: number;
  readonly maxRssMb: number;
}

/** A config of `n` workspaces: projects with spaces (one per 100 workspaces), one in four split plan/apply, three accounts. */
export function benchConfig(n: number): string {
  const projects = Math.max(1, Math.min(50, Math.ceil(n / 100)));
  const accounts = ["prod", "shared", "dev"];
  const workspaces = Array.from({ length: n }, (_, i) => {
    const base = {
      name: `ws-${String(i).padStart(5, "0")}`,
      project: `Team ${i % projects} Apps`,
      account: accounts[i % 3],
    };
    return i % 4 === 0
      ? {
          ...base,
          plan: { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
          apply: { policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
        }
      : { ...base, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] };
  });
  return stringify({
    hcp: { organization: "acme-corp" },
    accounts: {
      prod: { region: "us-east-1", accountId: "111122223333" },
      shared: { region: "eu-west-1", accountId: "444455556666" },
      dev: { region: "eu-central-1", accountId: "777788889999" },
    },
    workspaces,
  });
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  const rss = /bench-probe maxrss-kb=(\d+)/.exec(result.stderr)?.[1];
  return { ms, maxRssMb: rss === undefined ? Number.NaN : Number(rss) / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function medianOf(runs: number, sample: () => Sample): Sample {
  const samples = Array.from({ length: runs }, sample);
  return { ms: median(samples.map((s) => s.ms)), maxRssMb: median(samples.map((s) => s.maxRssMb)) };
}

/** The trust report a synth leaves: the Markdown a person reads, and the JSON beside it. */
function measureReport(outdir: string) {
  const markdown = readFileSync(join(outdir, REPORT_FILE), "utf8");
  const json = readFileSync(join(outdir, REPORT_JSON_FILE), "utf8");
  return {
    kb: Buffer.byteLength(markdown) / 1e3,
    lines: markdown.split("\n").length,
    diagram: diagram(JSON.parse(json) as TrustReport).detail,
    jsonMb: Buffer.byteLength(json) / 1e6,
  };
}

/**
 * Bytes written under an output folder, and its Terraform elements counted as Terraform plans
 * them: each instance of a `for_each` resource is one (as one resource per workspace was before
 * the `for_each` form), so the cdktf floor writes as many elements as Terraform manages.
 */
function measureOutput(outdir: string): { bytes: number; elements: number } {
  let bytes = 0;
  for (const stack of readdirSync(join(outdir, "stacks"))) {
    bytes += statSync(join(outdir, "stacks", stack, "cdk.tf.json")).size;
  }
  let elements = 0;
  for (const { json } of readSynthesizedStacks(outdir)) {
    for (const block of [json.resource, json.data]) {
      for (const items of Object.values(block ?? {})) elements += Object.keys(items).length;
    }
    elements += Object.keys(json.output ?? {}).length;
  }
  return { bytes, elements };
}

function main(): void {
  process.stderr.write("building the compiled app (tsc -p tsconfig.build.json)...\n");
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const probe = join(DIST, "scripts", "bench", "bench-probe.js");
  const node = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    timed(process.execPath, ["--require", probe, ...args], env);
  const nodeFloor = medianOf(RUNS, () => node(["-e", "0"]));

  console.log(
    `node -e 0: ${nodeFloor.ms.toFixed(0)} ms (median of ${RUNS}). app = node dist/main.js. Medians of ${RUNS} fresh processes; app and floors run in turns, and each ratio is the median of the turns' ratios.`,
  );
  console.log(
    "JSON floor: one JSON.stringify of as many bytes. cdktf floor: a bare cdktf app with as many elements of literals. replay floor: a bare cdktf app writing the app's own elements again, same bodies and references.\n",
  );
  const header = [
    "N",
    "elements",
    "output MB",
    "app ms",
    "peak MB",
    "JSON floor ms",
    "x JSON floor",
    "cdktf floor ms",
    "x cdktf floor",
    "replay floor ms",
    "x replay floor",
  ];
  console.log(header.join("\t"));
  const bySize = new Map<number, number>();
  const reports: string[] = [];
  const apiRows: string[] = [];
  for (const n of SIZES) {
    const config = join(WORK, `config-${n}.yaml`);
    writeFileSync(config, benchConfig(n));
    const outdir = join(WORK, `out-${n}`);
    const app = () => {
      rmSync(outdir, { recursive: true, force: true });
      // The bench config keeps its state locally; in CI that must be accepted explicitly.
      return node([join(DIST, "main.js")], {
        TRUST_CONFIG: config,
        CDKTF_OUTDIR: outdir,
        TRUST_ALLOW_LOCAL_STATE: "1",
      });
    };
    // One synth first, to know how much the floors must write.
    app();
    const { bytes, elements } = measureOutput(outdir);
    const r = measureReport(outdir);
    const stacks = readSynthesizedStacks(outdir).map((s) => s.json);
    const perProject = n / Math.max(1, Math.min(50, Math.ceil(n / 100)));
    const [small, large] = [100, 50_000].map((organizationWorkspaces) =>
      apiCost(stacks, { workspacesPerProject: perProject, organizationWorkspaces }),
    );
    if (small !== undefined && large !== undefined) {
      apiRows.push(
        [
          n,
          small.elements,
          small.calls,
          (small.calls / Math.max(1, small.elements)).toFixed(2),
          large.calls,
        ]
          .map(String)
          .join("\t"),
      );
    }
    reports.push(
      [n, r.kb.toFixed(1), r.lines, r.diagram, r.jsonMb.toFixed(2)].map(String).join("\t"),
    );
    const jsonFloor = () =>
      node([
        join(DIST, "scripts", "bench", "json-floor.js"),
        String(bytes),
        join(WORK, `floor-${n}.json`),
      ]);
    const cdktfOut = join(WORK, `cdktf-floor-${n}`);
    const cdktfFloor = () => {
      rmSync(cdktfOut, { recursive: true, force: true });
      return node([join(DIST, "scripts", "bench", "cdktf-floor.js"), String(elements), cdktfOut]);
    };
    const replayOut = join(WORK, `replay-floor-${n}`);
    const appCopy = join(WORK, `app-out-${n}`);
    rmSync(appCopy, { recursive: true, force: true });
    cpSync(outdir, appCopy, { recursive: true });
    const replayFloor = () => {
      rmSync(replayOut, { recursive: true, force: true });
      return node([join(DIST, "scripts", "bench", "replay-floor.js"), appCopy, replayOut]);
    };
    const turns = Array.from({ length: RUNS }, () => ({
      json: jsonFloor(),
      cdktf: cdktfFloor(),
      replay: replayFloor(),
      app: app(),
    }));
    const ms = (pick: (t: (typeof turns)[number]) => Sample) =>
      median(turns.map((t) => pick(t).ms));
    const ratio = (floor: (t: (typeof turns)[number]) => Sample) =>
      median(turns.map((t) => t.app.ms / floor(t).ms));
    bySize.set(
      n,
      ms((t) => t.app),
    );
    const row = [
      String(n),
      String(elements),
      (bytes / 1e6).toFixed(2),
      ms((t) => t.app).toFixed(0),
      median(turns.map((t) => t.app.maxRssMb)).toFixed(0),
      ms((t) => t.json).toFixed(0),
      ratio((t) => t.json).toFixed(1),
      ms((t) => t.cdktf).toFixed(0),
      ratio((t) => t.cdktf).toFixed(1),
      ms((t) => t.replay).toFixed(0),
      ratio((t) => t.replay).toFixed(2),
    ];
    console.log(row.join("\t"));
  }
  console.log(
    `\nTrust report of each synth: ${REPORT_FILE} (what a person reads; the diagram drawn by role while Mermaid can render it, else by project or account) and ${REPORT_JSON_FILE} (every role).`,
  );
  console.log(["N", "report KB", "report lines", "diagram by", "JSON MB"].join("\t"));
  for (const row of reports) console.log(row);
  console.log(
    "\nHCP Terraform API calls of one full plan of every stack (lib/api-cost.ts: the tfe provider's calls per element), for an organization of 100 and of 50,000 workspaces:",
  );
  console.log(
    ["N", "tfe elements", "calls (org 100)", "calls per element", "calls (org 50,000)"].join("\t"),
  );
  for (const row of apiRows) console.log(row);
  const large = bySize.get(5000);
  const mid = bySize.get(1000);
  if (large !== undefined && mid !== undefined) {
    console.log(`\ngrowth: N=5000 takes ${(large / mid).toFixed(1)}x N=1000 (5x is linear)`);
  }
  benchHostile(probe, join(DIST, "main.js"), WORK);
}

if (require.main === module) main();
