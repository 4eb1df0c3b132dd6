/**
 * `npm run adopt`: finds what the config would create that exists already, and writes its import
 * IDs to the adoption file beside the config, so the first deploy imports it in place instead of
 * failing with `EntityAlreadyExists` or "Key has already been taken". Reads only.
 */
import { existsSync } from "node:fs";
import { type Io, parseCommand } from "../cli/io";
import { pinsPathFor, readPins, writePins } from "../pins-file";
import { checkPinsFor, type Pins } from "../plan/pins";
import { adoptAccount, checkedAccountId } from "./adopt-aws";
import { adoptHcp } from "./adopt-hcp";
import {
  type AccountEntries,
  AdoptionFileError,
  adoptionPathFor,
  checkMergeable,
  mergeAdoption,
  readAdoption,
  writeAdoption,
} from "./adoption-file";
import { ADOPTION_VERSION, type AdoptedAccount, type Adoption } from "./adoption-format";
import { type AdoptionFindings, emptyFindings } from "./findings";
import { type PinChange, readLiveNames, recordPins } from "./pins-live";
import { type LiveOptions, openSession, type Session, stopReason } from "./session";

export const ADOPT_USAGE = `Usage: npm run adopt -- [--config PATH] [--account ACCOUNT] [--overwrite]

Finds the OIDC provider, roles, policy attachments, workspace variables, variable sets,
created workspaces and HYOK configurations of the config that exist already, and writes their import IDs to
trust.imports.json beside the config (inside a config directory). The next synth imports them
in place. Pins the ID of each trusted name it finds (organization, projects, workspaces,
Stacks) in trust.pins.json, keeping every earlier pin. Reads AWS and HCP Terraform; changes
nothing there.

  --config PATH      the config file or directory (default: TRUST_CONFIG, else trust.yaml)
  --account ACCOUNT  only this account of the config, with credentials for it alone: its AWS side,
                     and the workspaces and variable sets whose variables its stacks write; the
                     file keeps the other accounts' entries, so one run per account fills it
  --overwrite        also adopt roles and variables that differ from the config; the deploy then
                     changes them in place to the config's values

Needs TFE_TOKEN (and TFE_ADDRESS for Terraform Enterprise), and AWS credentials for each account
(with --account, for that account).
Exit status: 0 all found can be adopted, 1 conflicts (the file is written for the rest),
2 cannot check (bad arguments, config, credentials or network).`;

/** Runs `adopt`; returns the exit status. */
export async function runAdopt(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  options: LiveOptions = {},
): Promise<number> {
  const parsed = parseCommand(
    "adopt",
    argv,
    {
      config: { type: "string" },
      account: { type: "string" },
      overwrite: { type: "boolean", default: false },
    },
    ADOPT_USAGE,
    io,
  );
  if (typeof parsed === "number") return parsed;
  const args = parsed as { config?: string; account?: string; overwrite: boolean };
  let session: Session;
  let findings: AdoptionFindings;
  let adoption: Adoption;
  let written: Adoption;
  let path: string;
  let pinned: { path: string; pins: Pins; changes: PinChange[] };
  try {
    session = openSession(args.config, env, options, args.account);
    const pinsPath = pinsPathFor(session.configPath);
    const previous = readPins(pinsPath);
    checkPinsFor(previous, session.state);
    path = adoptionPathFor(session.configPath);
    // Read before anything else: one account's run keeps the rest of the file, so it must be usable.
    const existing = session.account === undefined ? undefined : readExisting(path, session);
    ({ findings, adoption } = await findAdoption(session, args.overwrite));
    pinned = { path: pinsPath, ...(await findPins(session, previous, findings)) };
    written =
      existing === undefined || session.account === undefined
        ? adoption
        : mergeAdoption(existing, adoption, ownedBy(session, session.account), path);
    writeAdoption(path, written);
    if (pinned.changes.length > 0) writePins(pinned.path, pinned.pins);
  } catch (error) {
    io.err(`adopt: ${stopReason(error)}`);
    return 2;
  }
  report(io, path, adoption, written, findings, args.overwrite, session, pinned);
  const blocking = findings.conflicts.filter((c) => !(args.overwrite && c.overwritable));
  return blocking.length > 0 ? 1 : 0;
}

/** Reads both sides and gathers what can be adopted. */
export async function findAdoption(
  session: Session,
  overwrite: boolean,
): Promise<{ findings: AdoptionFindings; adoption: Adoption }> {
  const { state } = session;
  const findings = emptyFindings();
  const accountIds = new Map<string, string>();
  const accounts: Record<string, AdoptedAccount> = {};
  const oneAtATime = session.aws.size > 1;
  // Account IDs first: variables name roles by ARN, in whichever account they live.
  for (const account of state.accounts) {
    const reader = session.aws.get(account.name);
    if (reader === undefined) continue;
    accountIds.set(account.name, await checkedAccountId(account, reader, oneAtATime));
  }
  for (const account of state.accounts) {
    const reader = session.aws.get(account.name);
    const accountId = accountIds.get(account.name);
    if (reader === undefined || accountId === undefined) continue;
    const adopted = await adoptAccount(state, account, accountId, reader, findings, overwrite);
    if (adopted.oidcProviders !== undefined || adopted.roles !== undefined)
      accounts[account.name] = adopted;
  }
  const { workspaces, variableSets, hyokConfigurations } = await adoptHcp(
    state,
    accountIds,
    session.hcp,
    findings,
    overwrite,
  );
  const adoption: Adoption = {
    version: ADOPTION_VERSION,
    organization: state.organization,
    hostname: state.hostname,
    ...(Object.keys(accounts).length === 0 ? {} : { accounts }),
    ...(Object.keys(workspaces).length === 0 ? {} : { workspaces }),
    ...(Object.keys(variableSets).length === 0 ? {} : { variableSets }),
    ...(Object.keys(hyokConfigurations).length === 0 ? {} : { hyokConfigurations }),
  };
  return { findings, adoption };
}

/**
 * The pins after this adoption: each trusted name found gets its ID; an earlier pin is never
 * replaced here (a name that resolves to another ID now is a conflict: `doctor` tells more,
 * and `doctor --pin` re-pins once the new owner is confirmed).
 */
async function findPins(
  session: Session,
  previous: Pins | undefined,
  findings: AdoptionFindings,
): Promise<{ pins: Pins; changes: PinChange[] }> {
  const live = (await readLiveNames(session.state, session.hcp)) ?? [];
  const recorded = recordPins(session.state, previous, live, false);
  for (const c of recorded.conflicts) {
    findings.conflicts.push({
      subject: c.subject,
      message: `is ${c.id} now, not ${c.was ?? "?"} as pinned: it was deleted and created again, or renamed and its name reused, and its runs can assume the roles that trust the name`,
      todo: 'run "npm run doctor"; once the new owner is confirmed as yours, re-pin with "npm run doctor -- --pin"',
      overwritable: false,
    });
  }
  return { pins: recorded.pins, changes: recorded.pinned };
}

/** The adoption file as it is, for one account's run to merge into; undefined when there is none. */
function readExisting(path: string, session: Session): Adoption | undefined {
  if (!existsSync(path)) return undefined;
  let existing: Adoption;
  try {
    existing = readAdoption(path);
  } catch (error) {
    if (!(error instanceof AdoptionFileError)) throw error;
    throw new AdoptionFileError(
      `${error.message}\nadopt --account keeps the other accounts' entries of that file, so it must be readable: fix it, or run adopt without --account to write it anew`,
    );
  }
  checkMergeable(existing, session.state.organization, session.state.hostname, path);
  return existing;
}

/** The entries of the file that a run for `account` finds anew. */
function ownedBy(session: Session, account: string): AccountEntries {
  return {
    account,
    workspaces: new Set(session.state.workspaces.map((ws) => ws.name)),
    variableSets: new Set(session.state.variableSets.map((set) => set.name)),
    hyokConfigurations: new Set(session.state.hyok.map((h) => h.name)),
  };
}

function report(
  io: Io,
  path: string,
  adoption: Adoption,
  written: Adoption,
  findings: AdoptionFindings,
  overwrite: boolean,
  session: Session,
  pinned: { readonly path: string; readonly changes: readonly PinChange[] },
): void {
  const imports = countImports(adoption);
  const plural = `import${imports === 1 ? "" : "s"}`;
  io.out(
    session.account === undefined
      ? `Wrote ${path}: ${imports} ${plural}.`
      : `Wrote ${path}: ${imports} ${plural} for account ${session.account} (${countImports(written)} in the file).`,
  );
  if (pinned.changes.length > 0) {
    io.out(`Pinned in ${pinned.path} (commit it with the config, and review it like the lock):`);
    for (const p of pinned.changes) io.out(`  - ${p.subject}: ${p.id}`);
  }
  const adopted = [...findings.adopted].sort((a, b) => a.subject.localeCompare(b.subject));
  if (adopted.length > 0) {
    io.out("\nAdopted (imported in place by the next deploy):");
    for (const a of adopted)
      io.out(`  - ${a.subject}${a.change === undefined ? "" : `: ${a.change}`}`);
  }
  const created = [...findings.created].filter(([, n]) => n > 0);
  if (created.length > 0) {
    io.out(
      `\nNot found, so the deploy creates them: ${created.map(([kind, n]) => `${n} ${kind}${n === 1 ? "" : "s"}`).join(", ")}.`,
    );
  }
  const conflicts = [...findings.conflicts].sort((a, b) => a.subject.localeCompare(b.subject));
  const blocking = conflicts.filter((c) => !(overwrite && c.overwritable));
  const overwritten = conflicts.filter((c) => overwrite && c.overwritable);
  if (overwritten.length > 0) {
    io.out("\nAdopted with --overwrite (the deploy changes them to the config's values):");
    for (const c of overwritten) io.out(`  - ${c.subject}: ${c.message}`);
  }
  if (blocking.length > 0) {
    io.out(`\nConflicts (not adopted; ${blocking.length}):`);
    for (const c of blocking) io.out(`  - ${c.subject}: ${c.message}.\n    To do: ${c.todo}.`);
  }
  if (findings.notes.length > 0) {
    io.out("\nNotes:");
    for (const note of [...findings.notes].sort()) io.out(`  - ${note}`);
  }
  const others = session.state.accounts.filter((a) => a.name !== session.account);
  if (session.account !== undefined && others.length > 0) {
    io.out(
      `\nThe file keeps what earlier runs found for the other account${others.length === 1 ? "" : "s"} (${others.map((a) => a.name).join(", ")}); run adopt for each with its own credentials: npm run adopt -- --account ACCOUNT.`,
    );
  }
  io.out(
    blocking.length === 0
      ? "\nNext: npx cdktf synth, then npx cdktf diff STACK for each stack (imports and in-place updates only), then deploy."
      : "\nResolve the conflicts and run adopt again; the file holds everything else.",
  );
}

/** How many import entries an adoption holds. */
export function countImports(adoption: Adoption): number {
  const count = (record: object | undefined) => Object.keys(record ?? {}).length;
  let n = 0;
  for (const account of Object.values(adoption.accounts ?? {})) {
    n += count(account.oidcProviders);
    for (const role of Object.values(account.roles ?? {}))
      n += 1 + count(role.policyAttachments) + count(role.inlinePolicies);
  }
  for (const ws of Object.values(adoption.workspaces ?? {}))
    n += (ws.id === undefined ? 0 : 1) + count(ws.variables);
  for (const set of Object.values(adoption.variableSets ?? {}))
    n += 1 + count(set.projects) + count(set.variables);
  for (const hyok of Object.values(adoption.hyokConfigurations ?? {}))
    n += hyok.oidcConfiguration === undefined ? 1 : 2;
  return n;
}
