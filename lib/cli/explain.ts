import { parseArgs } from "node:util";
import { decodeJwt } from "jose";
import { hostnameProblem } from "../config/names";
import { DEFAULT_AUDIENCE, DEFAULT_HOSTNAME } from "../config/schema";
import { explain, type RoleVerdict } from "../explain";
import { type TokenClaims, UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { readSynthesizedRoles, SynthOutputError } from "../synth-output";
import { type Io, runCli } from "./io";

const USAGE = `Usage: npm run explain -- (--sub SUB [--aud AUD] [--host HOST] | --token JWT) [--out DIR] [--json]

Tells which synthesized roles a workload identity token may assume, and for each refusal which
check failed: the issuer (OIDC provider), the audience or the sub.

  --sub SUB     the token's sub, e.g. "organization:acme:project:Default Project:workspace:app:run_phase:plan"
  --aud AUD     the token's audience (default: ${DEFAULT_AUDIENCE})
  --host HOST   the HCP Terraform or Terraform Enterprise hostname that issued it (default: ${DEFAULT_HOSTNAME})
  --token JWT   a real workload identity token; its iss, aud and sub are read without checking the signature
  --out DIR     the synth output folder (default: cdktf.out)
  --json        print the result as JSON

Exit status: 0 if at least one role admits the token, 1 if none does, 2 on bad arguments or missing synth output.`;

class UsageError extends Error {}

interface Request {
  readonly claims: TokenClaims;
  readonly outdir: string;
  readonly json: boolean;
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
  const { sub, aud, host, token } = values as Record<string, string | undefined>;
  const outdir = String(values.out);
  const json = values.json === true;
  if (token !== undefined) {
    if (sub !== undefined || aud !== undefined || host !== undefined) {
      throw new UsageError(
        "give either --token, or --sub with --aud and --host; a token carries its own sub, aud and issuer",
      );
    }
    return { claims: claimsOfToken(token), outdir, json, fromToken: true };
  }
  if (sub === undefined || sub === "")
    throw new UsageError("give --sub (the token's sub claim) or --token");
  const hostname = host ?? DEFAULT_HOSTNAME;
  const problem = hostnameProblem(hostname);
  if (problem !== undefined) throw new UsageError(`--host: ${problem}`);
  return {
    claims: { iss: `https://${hostname}`, aud: aud ?? DEFAULT_AUDIENCE, sub },
    outdir,
    json,
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

function describe(verdict: RoleVerdict): string[] {
  const { role } = verdict;
  const head = `${verdict.decision === "Allowed" ? "ALLOWED" : "denied "}  ${role.name}  (${role.stack}: ${role.address})`;
  const reasons = verdict.failures.flatMap((failure) => [
    `           ${failure.check}: expected ${failure.expected.join(" or ")}`,
    `           ${" ".repeat(failure.check.length)}  got      ${failure.actual}`,
  ]);
  return [head, ...reasons];
}

/** Runs `explain` with command-line arguments; returns the exit status. */
export function runExplain(argv: readonly string[], io: Io): number {
  let request: Request | "help";
  let verdicts: RoleVerdict[];
  try {
    request = parseRequest(argv);
    if (request === "help") {
      io.out(USAGE);
      return 0;
    }
    const roles = readSynthesizedRoles(request.outdir);
    if (roles.length === 0)
      throw new SynthOutputError(`the stacks in ${request.outdir} hold no roles`);
    verdicts = explain(roles, request.claims);
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
  const allowed = verdicts.filter((v) => v.decision === "Allowed").length;
  if (request.json) {
    io.out(
      JSON.stringify(
        {
          token: { ...request.claims, signatureChecked: false },
          roles: verdicts.map(({ role, decision, failures }) => ({
            stack: role.stack,
            address: role.address,
            roleName: role.name,
            decision,
            failures,
          })),
          allowed,
        },
        null,
        2,
      ),
    );
  } else {
    const { iss, aud, sub } = request.claims;
    io.out(`Token${request.fromToken ? " (read without checking its signature)" : ""}:`);
    io.out(`  iss ${iss}\n  aud ${aud}\n  sub ${sub}\n`);
    for (const verdict of verdicts) io.out(describe(verdict).join("\n"));
    if (
      verdicts.some(
        (v) =>
          v.failures.some((f) => f.check === "issuer") && v.role.accountId === UNKNOWN_ACCOUNT_ID,
      )
    ) {
      io.out(
        `\n(${UNKNOWN_ACCOUNT_ID} stands for the account a stack is deployed to, not known before deploy.)`,
      );
    }
    io.out(
      `\n${allowed} of ${verdicts.length} role${verdicts.length === 1 ? "" : "s"} admit${allowed === 1 ? "s" : ""} this token.`,
    );
  }
  return allowed > 0 ? 0 : 1;
}

if (require.main === module) runCli(runExplain);
