import { parseArgs } from "node:util";
import { decodeJwt } from "jose";
import { DEFAULT_AUDIENCE, DEFAULT_HOSTNAME } from "../config/constants";
import { hostnameProblem } from "../config/names";
import { explain, type RoleVerdict } from "../explain";
import {
  closestRoles,
  type EffectiveRole,
  effectiveRoles,
  kindLine,
  roleSourceLine,
} from "../explain-summary";
import { type TokenClaims, UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { readPlanFile } from "../plan/plan-file";
import { buildReport, roleKey } from "../report/model";
import { parseRunSubject, parseSubject, SUBJECT_KIND_NAMES, subjectProblem } from "../run-subject";
import { readSynthesizedStacks, rolesOfStack, SynthOutputError } from "../synth-output";
import { provenanceOf } from "../synth-record";
import { type Io, runCli } from "./io";

const USAGE = `Usage: npm run explain -- (--sub SUB [--aud AUD] [--host HOST] | --token JWT) [--workspace WS] [--role NAME] [--all] [--out DIR] [--json]

Tells which synthesized roles a workload identity token may assume and which one the run uses;
for a refused token, the closest roles and the field that differs.

  --sub SUB        the token's sub, e.g. "organization:acme:project:Default Project:workspace:app:run_phase:plan"
  --aud AUD        the token's audience (default: ${DEFAULT_AUDIENCE})
  --host HOST      the HCP Terraform or Terraform Enterprise hostname that issued it (default: ${DEFAULT_HOSTNAME})
  --token JWT      a real workload identity token; its iss, aud and sub are read without checking the signature
  --workspace WS   only the roles whose trust names workspace WS (and project-wide roles of the token's project)
  --role NAME      only the role(s) named NAME
  --all            list every role considered, with the checks each failed
  --out DIR        the synth output folder (default: cdktf.out)
  --json           print the result as JSON (for a pipe: npm run --silent explain -- ... --json,
                   or npm prints its banner on stdout first)

Exit status: 0 if at least one role admits the token, 1 if none does, 2 on bad arguments or missing synth output.`;

class UsageError extends Error {}

interface Request {
  readonly claims: TokenClaims;
  readonly outdir: string;
  readonly json: boolean;
  readonly all: boolean;
  readonly workspace?: string;
  readonly role?: string;
  readonly fromToken: boolean;
}

function parseRequest(argv: readonly string[]): Request | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        sub: { type: "string" },
        aud: { type: "string" },
        host: { type: "string" },
        token: { type: "string" },
        workspace: { type: "string" },
        role: { type: "string" },
        all: { type: "boolean", default: false },
        out: { type: "string", default: "cdktf.out" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const { sub, aud, host, token, workspace, role } = values as Record<string, string | undefined>;
  const common = {
    outdir: String(values.out),
    json: values.json === true,
    all: values.all === true,
    ...(workspace === undefined ? {} : { workspace }),
    ...(role === undefined ? {} : { role }),
  };
  if (token !== undefined) {
    if (sub !== undefined || aud !== undefined || host !== undefined) {
      throw new UsageError(
        "give either --token, or --sub with --aud and --host; a token carries its own sub, aud and issuer",
      );
    }
    return { ...common, claims: claimsOfToken(token), fromToken: true };
  }
  if (sub === undefined || sub === "")
    throw new UsageError("give --sub (the token's sub claim) or --token");
  const problem = subjectProblem(sub);
  if (problem !== undefined) throw new UsageError(`--sub: ${problem}`);
  const hostname = host ?? DEFAULT_HOSTNAME;
  const hostProblem = hostnameProblem(hostname);
  if (hostProblem !== undefined) throw new UsageError(`--host: ${hostProblem}`);
  return {
    ...common,
    claims: { iss: `https://${hostname}`, aud: aud ?? DEFAULT_AUDIENCE, sub },
    fromToken: false,
  };
}

function claimsOfToken(token: string): TokenClaims {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token.trim());
  } catch (error) {
    throw new UsageError(`--token is not a JWT: ${(error as Error).message}`);
  }
  const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud;
  for (const [name, value] of [
    ["iss", claims.iss],
    ["aud", aud],
    ["sub", claims.sub],
  ] as const) {
    if (typeof value !== "string" || value === "")
      throw new UsageError(`--token has no ${name} claim of one string`);
  }
  if (!String(claims.iss).startsWith("https://")) {
    throw new UsageError(`--token's issuer ${JSON.stringify(claims.iss)} is not an https:// URL`);
  }
  return { iss: String(claims.iss), aud: String(aud), sub: String(claims.sub) };
}

/** The roles `--workspace` and `--role` keep. */
function selected(role: { name: string; trustPolicy: unknown }, request: Request): boolean {
  if (request.role !== undefined && role.name !== request.role) return false;
  if (request.workspace === undefined) return true;
  const run = parseRunSubject(request.claims.sub);
  return [...JSON.stringify(role.trustPolicy).matchAll(/"(organization:[^"]*)"/g)].some(
    ([, pattern]) => {
      const fields = parseRunSubject(pattern ?? "");
      if (fields?.workspace === request.workspace) return true;
      return fields?.workspace === "*" && run !== undefined && fields.project === run.project;
    },
  );
}

function head(verdict: RoleVerdict): string {
  const { role, kind } = verdict;
  const admits = kind === undefined ? "" : `, a ${SUBJECT_KIND_NAMES[kind]} role`;
  return `${verdict.decision === "Allowed" ? "ALLOWED" : "denied "}  ${role.name}  (${role.stack}: ${role.address}${admits})`;
}

function describe(verdict: RoleVerdict): string[] {
  const reasons = verdict.failures.flatMap((failure) =>
    failure.check === "kind"
      ? [`           ${kindLine(failure)}`]
      : [
          `           ${failure.check}: expected ${failure.expected.join(" or ")}`,
          `           ${" ".repeat(failure.check.length)}  got      ${failure.actual}`,
        ],
  );
  return [head(verdict), ...reasons];
}

function effectiveLines(effective: readonly EffectiveRole[], verdicts: RoleVerdict[]): string[] {
  const byKey = new Map(verdicts.map((v) => [roleKey(v.role), v]));
  return effective.map((e) => {
    const which = e.tag === undefined ? "default configuration" : `tag ${e.tag}`;
    if (e.value === undefined) return `  ${which}: none (${e.from})`;
    const verdict = e.role === undefined ? undefined : byKey.get(e.role);
    const admits =
      verdict === undefined ? "" : verdict.decision === "Allowed" ? ", admits" : ", refuses";
    return `  ${which}: ${e.value}  (${e.from}${admits})`;
  });
}

/** Runs `explain` with command-line arguments; returns the exit status. */
export function runExplain(argv: readonly string[], io: Io): number {
  let request: Request | "help";
  try {
    request = parseRequest(argv);
    if (request === "help") {
      io.out(USAGE);
      return 0;
    }
    const provenance = provenanceOf(request.outdir);
    if (provenance.failed !== undefined) throw new SynthOutputError(provenance.failed);
    const stacks = readSynthesizedStacks(request.outdir);
    const roles = stacks.flatMap(({ name, json }) => rolesOfStack(name, json));
    if (roles.length === 0)
      throw new SynthOutputError(`the stacks in ${request.outdir} hold no roles`);
    const req = request;
    const chosen = roles.filter((role) => selected(role, req));
    if (chosen.length === 0) {
      const what = [
        req.workspace && `--workspace ${req.workspace}`,
        req.role && `--role ${req.role}`,
      ];
      throw new UsageError(`no role of the synth matches ${what.filter(Boolean).join(" ")}`);
    }
    const verdicts = explain(chosen, request.claims);
    // The trust policies are the stacks' (what will be deployed); which variable wins is the plan's.
    const plan = readPlanFile(request.outdir, provenance.record?.synthesizedAt);
    const report = buildReport(plan);
    const effective = effectiveRoles(report, request.claims);
    const source = roleSourceLine(report, request.claims);
    return print(request, verdicts, { effective, source }, provenance, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`explain: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof SynthOutputError) {
      io.err(`explain: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

function print(
  request: Request,
  verdicts: RoleVerdict[],
  uses: { effective?: readonly EffectiveRole[]; source?: string },
  provenance: ReturnType<typeof provenanceOf>,
  io: Io,
): number {
  const { effective, source } = uses;
  const admitting = verdicts.filter((v) => v.decision === "Allowed");
  const { closest, more } = closestRoles(verdicts, request.claims);
  if (provenance.stale !== undefined) io.err(`explain: ${provenance.stale}`);
  if (request.json) {
    io.out(
      JSON.stringify(
        {
          synth: { source: provenance.source, ...(provenance.stale ? { stale: true } : {}) },
          token: { ...request.claims, signatureChecked: false },
          allowed: admitting.length,
          admitting: admitting.map((v) => v.role.name),
          closest: closest.map(({ verdict, differences }) => ({
            roleName: verdict.role.name,
            stack: verdict.role.stack,
            address: verdict.role.address,
            differences,
          })),
          ...(effective === undefined ? {} : { effective }),
          roles: verdicts.map(({ role, kind, decision, failures }) => ({
            stack: role.stack,
            address: role.address,
            roleName: role.name,
            ...(kind === undefined ? {} : { admits: SUBJECT_KIND_NAMES[kind] }),
            decision,
            failures,
          })),
        },
        null,
        2,
      ),
    );
    return admitting.length > 0 ? 0 : 1;
  }
  const { iss, aud, sub } = request.claims;
  const n = verdicts.length;
  const total = `${n.toLocaleString("en-US")} role${n === 1 ? "" : "s"}`;
  io.out(`Synth ${provenance.source}.`);
  io.out(`Token${request.fromToken ? " (read without checking its signature)" : ""}:`);
  io.out(`  iss ${iss}\n  aud ${aud}\n  sub ${sub}\n`);
  if (admitting.length > 0) {
    io.out(`${admitting.length} of ${total} admit${admitting.length === 1 ? "s" : ""} this token:`);
    for (const v of admitting) io.out(`  ${v.role.name}  (${v.role.stack}: ${v.role.address})`);
  } else {
    const tokenKind = parseSubject(sub)?.kind;
    const ownKind = verdicts.filter((v) => v.kind === tokenKind).length;
    // A token of a kind no role admits: say so first, it is the whole reason.
    const why =
      tokenKind !== undefined && ownKind === 0
        ? `: this is a ${SUBJECT_KIND_NAMES[tokenKind]} token, and none of them is a ${SUBJECT_KIND_NAMES[tokenKind]} role`
        : "";
    io.out(`No role admits this token (0 of ${total})${why}.`);
    if (closest.length > 0) io.out("Closest:");
    for (const { verdict, differences } of closest) {
      io.out(`  ${verdict.role.name}  (${verdict.role.stack}: ${verdict.role.address})`);
      for (const d of differences) io.out(`    ${d}`);
    }
    if (more > 0) io.out(`  ... and ${more} more as close: --all lists them`);
  }
  if (effective !== undefined) {
    const run = parseRunSubject(sub);
    io.out(
      `\nThe ${run?.phase} of workspace ${run?.workspace} uses, by HCP Terraform's variable precedence over what this synth writes:`,
    );
    io.out(effectiveLines(effective, verdicts).join("\n"));
    io.out(
      "  (a priority or global variable set made outside this app, or a workspace variable set by hand, could still change it)",
    );
  }
  if (source !== undefined) io.out(`\n${source}`);
  const listing = request.all || request.workspace !== undefined || request.role !== undefined;
  if (listing) {
    io.out("");
    for (const verdict of verdicts) io.out(describe(verdict).join("\n"));
  } else if (n > admitting.length) {
    io.out(`\n--all lists every role with the checks it failed; --workspace and --role narrow it.`);
  }
  const shown = listing ? verdicts : admitting.length > 0 ? [] : closest.map((c) => c.verdict);
  if (
    shown.some(
      (v) =>
        v.failures.some((f) => f.check === "issuer") && v.role.accountId === UNKNOWN_ACCOUNT_ID,
    )
  ) {
    io.out(
      `\n(${UNKNOWN_ACCOUNT_ID} stands for the account a stack is deployed to, not known before deploy.)`,
    );
  }
  return admitting.length > 0 ? 0 : 1;
}

if (require.main === module) runCli(runExplain);
