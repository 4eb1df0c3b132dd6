/**
 * `npm run doctor`: is what is live what the config says? Reads AWS and HCP Terraform, changes
 * nothing, and prints findings grouped by severity, each with what to do.
 */
import { type Io, parseCommand } from "../cli/io";
import { pinsPathFor, readPins, writePins } from "../pins-file";
import { checkPinsFor } from "../plan/pins";
import { checkedAccountId } from "./adopt-aws";
import { checkAccount, type Finding } from "./doctor-aws";
import { checkOrganization } from "./doctor-hcp";
import { pinFindings, readLiveNames, recordPins } from "./pins-live";
import { type LiveOptions, openSession, type Session, stopReason } from "./session";

export const DOCTOR_USAGE = `Usage: npm run doctor -- [--config PATH] [--account ACCOUNT] [--json] [--pin]

Compares what is live in AWS and HCP Terraform with the config: each workspace exists in its
project; the AWS credentials its runs really get (all variables and variable sets, with HCP
Terraform's precedence, per phase and tag) are the config's; each role exists with the
synthesized trust and policies; roles the config no longer names, and roles trusting a workspace
or project that no longer exists; each OIDC provider accepts the audience; each HYOK
configuration has the config's key, role and agent pool, and is available; each pinned name
(trust.pins.json beside the config) still belongs to the object it was pinned for. Changes nothing.

  --config PATH      the config file or directory (default: TRUST_CONFIG, else trust.yaml)
  --account ACCOUNT  only this account of the config, with credentials for it alone: its AWS side,
                     and the workspaces and variable sets whose variables its stacks write
  --json             print the result as JSON (for a pipe or a file: npm run --silent doctor --
                     --json, or npm prints its banner on stdout first)
  --pin              record the ID each trusted name has now (organization, projects, workspaces,
                     Stacks) in trust.pins.json beside the config, and print what it pinned: reads
                     HCP Terraform only, changes nothing there

Needs TFE_TOKEN (and TFE_ADDRESS for Terraform Enterprise), and AWS credentials for each account
(with --account, for that account).
Exit status: 0 healthy, 1 findings, 2 cannot check (bad arguments, config, credentials or network).`;

/** What one doctor run checked and found. */
export interface DoctorReport {
  readonly healthy: boolean;
  readonly organization: string;
  readonly hostname: string;
  readonly checked: {
    /** Set with `--account`: only this account's side was checked. */
    readonly account?: string;
    readonly accounts: ReadonlyArray<{ name: string; accountId: string; roles: number }>;
    readonly workspaces: number;
    readonly projectWorkspaces: number;
    readonly variableSets: number;
  };
  readonly findings: readonly Finding[];
}

/** Runs `doctor`; returns the exit status. */
export async function runDoctor(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  options: LiveOptions = {},
): Promise<number> {
  const parsed = parseCommand(
    "doctor",
    argv,
    {
      config: { type: "string" },
      account: { type: "string" },
      json: { type: "boolean", default: false },
      pin: { type: "boolean", default: false },
    },
    DOCTOR_USAGE,
    io,
  );
  if (typeof parsed === "number") return parsed;
  const args = parsed as { config?: string; account?: string; json: boolean; pin: boolean };
  if (args.pin) return pin(args, io, env, options);
  let report: DoctorReport;
  try {
    report = await diagnose(openSession(args.config, env, options, args.account));
  } catch (error) {
    const message = stopReason(error);
    if (args.json) io.out(JSON.stringify({ healthy: false, error: message }, null, 2));
    io.err(`doctor: ${message}`);
    return 2;
  }
  if (args.json) io.out(JSON.stringify(report, null, 2));
  else print(io, report);
  return report.healthy ? 0 : 1;
}

/** Checks every account of the session (all, or that of `--account`) and the organization. */
export async function diagnose(session: Session): Promise<DoctorReport> {
  const { state } = session;
  const accountIds = new Map<string, string>();
  const oneAtATime = session.aws.size > 1;
  for (const account of state.accounts) {
    const reader = session.aws.get(account.name);
    if (reader !== undefined)
      accountIds.set(account.name, await checkedAccountId(account, reader, oneAtATime));
  }
  const findings: Finding[] = [];
  const pins = readPins(pinsPathFor(session.configPath));
  checkPinsFor(pins, state);
  const live = pins === undefined ? [] : await readLiveNames(state, session.hcp);
  if (pins !== undefined) findings.push(...pinFindings(state, pins, live, accountIds));
  const accounts: Array<{ name: string; accountId: string; roles: number }> = [];
  const missingRoles = new Set<string>();
  for (const account of state.accounts) {
    const reader = session.aws.get(account.name);
    const accountId = accountIds.get(account.name);
    if (reader === undefined || accountId === undefined) continue;
    const checked = await checkAccount(state, account, accountId, reader, session.hcp);
    findings.push(...checked.findings);
    accounts.push({ name: account.name, accountId, roles: checked.roles });
    for (const name of checked.missing) missingRoles.add(`${account.name}/${name}`);
  }
  // A pinned organization that is gone: nothing of it can be read, and the alarm is raised.
  const org =
    live === undefined && pins?.organizationId !== undefined
      ? { findings: [], workspaces: 0, projectWorkspaces: 0, variableSets: 0 }
      : await checkOrganization(state, accountIds, session.hcp, missingRoles);
  // A pinned name that is gone is reported once, as reclaimable, with its pin.
  const reclaimable = new Set(
    findings.filter((f) => f.threat === "reclaimable").map((f) => f.subject),
  );
  findings.push(
    ...org.findings.filter(
      (f) =>
        !(
          (f.code === "workspace-missing" || f.code === "project-missing") &&
          reclaimable.has(f.subject)
        ),
    ),
  );
  findings.sort(
    (a, b) =>
      a.severity.localeCompare(b.severity) ||
      a.subject.localeCompare(b.subject) ||
      a.code.localeCompare(b.code),
  );
  return {
    healthy: findings.length === 0,
    organization: state.organization,
    hostname: state.hostname,
    checked: {
      ...(session.account === undefined ? {} : { account: session.account }),
      accounts,
      workspaces: org.workspaces,
      projectWorkspaces: org.projectWorkspaces,
      variableSets: org.variableSets,
    },
    findings,
  };
}

/** `doctor --pin`: records the ID each trusted name has now; reads HCP Terraform only. */
async function pin(
  args: { config?: string; json: boolean },
  io: Io,
  env: NodeJS.ProcessEnv,
  options: LiveOptions,
): Promise<number> {
  try {
    const session = openSession(args.config, env, options);
    const { state } = session;
    const path = pinsPathFor(session.configPath);
    const previous = readPins(path);
    await session.hcp.checkOrganization();
    const live = (await readLiveNames(state, session.hcp)) ?? [];
    const recorded = recordPins(state, previous, live, true);
    const written = writePins(path, recorded.pins);
    if (args.json) {
      io.out(
        JSON.stringify(
          { path, written, pinned: recorded.pinned, missing: recorded.missing },
          null,
          2,
        ),
      );
      return 0;
    }
    io.out(
      written
        ? `Wrote ${path}: commit it with the config, and review it like the lock.`
        : `${path} is up to date.`,
    );
    if (recorded.pinned.length > 0) {
      io.out("\nPinned:");
      for (const p of recorded.pinned)
        io.out(`  - ${p.subject}: ${p.id}${p.was === undefined ? "" : ` (was ${p.was})`}`);
    }
    if (recorded.missing.length > 0) {
      io.out(
        "\nNot found, so not pinned (an earlier pin is kept; pin again once it exists, after the deploy that creates it):",
      );
      for (const subject of recorded.missing) io.out(`  - ${subject}`);
    }
    return 0;
  } catch (error) {
    io.err(`doctor: ${stopReason(error)}`);
    return 2;
  }
}

function print(io: Io, report: DoctorReport): void {
  const { checked } = report;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const accounts = checked.accounts
    .map((a) => `account ${a.name} (${a.accountId}): ${plural(a.roles, "role")}`)
    .join("; ");
  const projectPart =
    checked.variableSets === 0
      ? ""
      : `, ${plural(checked.variableSets, "variable set")} and the ${plural(checked.projectWorkspaces, "other workspace")} of their projects`;
  const only = checked.account === undefined ? "" : `, account ${checked.account} only`;
  io.out(
    `Checked organization ${report.organization} (${report.hostname})${only}: ${plural(checked.workspaces, "workspace")}${projectPart}; ${accounts}.`,
  );
  for (const severity of ["error", "warning"] as const) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    io.out(`\n${severity === "error" ? "Errors" : "Warnings"} (${group.length}):`);
    for (const f of group) {
      const threat =
        f.threat === "reclaimed"
          ? " RECLAIMED: someone else's runs can assume these roles now."
          : f.threat === "reclaimable"
            ? " RECLAIMABLE: whoever creates this name gets these roles."
            : "";
      io.out(`  - ${f.subject} [${f.code}]: ${f.message}.${threat}\n    To do: ${f.todo}.`);
    }
  }
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const warnings = report.findings.length - errors;
  io.out(
    report.healthy
      ? `\nHealthy: what is live${checked.account === undefined ? "" : ` for account ${checked.account}`} is what the config says.`
      : `\n${plural(errors, "error")}, ${plural(warnings, "warning")}.`,
  );
}
