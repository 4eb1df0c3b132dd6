import PQueue from "p-queue";
import type { AwsAccountReader } from "./aws-read";
import {
  type ExpectedAccount,
  type ExpectedRole,
  type ExpectedState,
  providerArn,
  trustPolicy,
} from "./expected";
import type { HcpReader } from "./hcp-read";
import { admittedBeyond, otherKindsAdmitted, samePolicy } from "./policy-compare";

/** Something live that differs from the config. */
export interface Finding {
  /** `error`: runs fail, or trust or permissions are wider than reviewed; `warning`: drift without that. */
  readonly severity: "error" | "warning";
  /** A stable code, e.g. `role-trust`, for machines. */
  readonly code: string;
  /** What it is about, e.g. `role tfc-acme-app (account default)`. */
  readonly subject: string;
  readonly message: string;
  /** What to do about it. */
  readonly todo: string;
  /**
   * For a pinned name (`trust.pins.json`): `reclaimed`, it belongs to another object now;
   * `reclaimable`, nothing holds it, and whoever creates it gets the roles that trust it.
   */
  readonly threat?: "reclaimed" | "reclaimable";
  /** The roles that trust the name: what the threat reaches. */
  readonly roleArns?: readonly string[];
}

/**
 * Checks one account: its OIDC provider accepts the audience; each planned role exists with the
 * synthesized trust (compared as IAM reads it), path and policies; and roles this app made for
 * the organization that the config no longer names, whose trust is still live.
 */
export async function checkAccount(
  state: ExpectedState,
  account: ExpectedAccount,
  accountId: string,
  reader: AwsAccountReader,
  hcp: HcpReader,
): Promise<{ findings: Finding[]; roles: number; missing: string[] }> {
  const findings: Finding[] = [];
  const where = `account ${account.name} (${accountId})`;
  const arn = providerArn(account, accountId);
  const provider = await reader.provider(arn);
  const base = `npx cdktf deploy hcp-aws-trust-${account.name}`;
  if (provider === undefined) {
    findings.push({
      severity: "error",
      code: "provider-missing",
      subject: `OIDC provider in ${where}`,
      message: `${arn} does not exist: no run can assume any role of this account`,
      todo:
        account.reusedProviderArn === undefined
          ? `deploy the account's base stack (${base})`
          : "fix oidcProviderArn in the config, or create the provider",
    });
  } else if (!provider.clientIds.includes(account.audience)) {
    findings.push({
      severity: "error",
      code: "provider-audience",
      subject: `OIDC provider in ${where}`,
      message: `${arn} does not accept the audience ${JSON.stringify(account.audience)} (client IDs ${JSON.stringify(provider.clientIds)}): every run's token is refused`,
      todo:
        account.reusedProviderArn === undefined
          ? `deploy the account's base stack (${base}) to restore its client IDs`
          : `add the client ID: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${arn} --client-id ${account.audience}`,
    });
  }

  const own = state.roles.filter((role) => role.account === account.name);
  const queue = new PQueue({ concurrency: 4 });
  await Promise.all(
    own.map((role) =>
      queue.add(async () => {
        findings.push(...(await checkRole(state, role, arn, where, reader)));
      }),
    ),
  );
  findings.push(...(await leftBehind(state, own, where, reader, hcp)));
  const missing = own
    .filter((role) =>
      findings.some((f) => f.code === "role-missing" && f.subject.startsWith(`role ${role.name} `)),
    )
    .map((role) => role.name);
  return { findings, roles: own.length, missing };
}

async function checkRole(
  state: ExpectedState,
  role: ExpectedRole,
  provider: string,
  where: string,
  reader: AwsAccountReader,
): Promise<Finding[]> {
  const subject = `role ${role.name} in ${where}`;
  const whose = whoseRuns(role.owner);
  const live = await reader.role(role.name);
  const deploy = "deploy its stack: it restores what the config says";
  if (live === undefined) {
    return [
      {
        severity: "error",
        code: "role-missing",
        subject,
        message: `does not exist: ${role.phase === "run" ? "runs" : `${role.phase} runs`} of ${whose} cannot authenticate`,
        todo: deploy,
      },
    ];
  }
  const findings: Finding[] = [];
  if (live.path !== role.path) {
    findings.push({
      severity: "warning",
      code: "role-path",
      subject,
      message: `has the path ${live.path}; the config gives ${role.path}`,
      todo: deploy,
    });
  }
  const expected = trustPolicy(state, role, provider);
  if (!samePolicy(live.trust, expected)) {
    const beyond = admittedBeyond(live.trust, {
      providerArn: provider,
      host: state.hostname,
      audience: state.audience,
      subject: role.subject,
    });
    const otherKinds = otherKindsAdmitted(live.trust, state.hostname);
    if (otherKinds !== undefined) beyond.push(otherKinds);
    findings.push({
      severity: "error",
      code: "role-trust",
      subject,
      message:
        beyond.length > 0
          ? `its trust policy is not the synthesized one: it also admits ${beyond.join("; ")}`
          : `its trust policy is not the synthesized one (it admits no more, but ${whose} may be refused)`,
      todo: `${deploy}; CloudTrail's UpdateAssumeRolePolicy events tell who changed it`,
    });
  }
  const attached = await reader.attachedPolicies(role.name);
  const extra = attached.filter((arn) => !role.policyArns.includes(arn));
  const missing = role.policyArns.filter((arn) => !attached.includes(arn));
  if (extra.length > 0) {
    findings.push({
      severity: "error",
      code: "role-policies-extra",
      subject,
      message: `has policies the config does not attach: ${extra.join(", ")} (permissions nobody reviewed)`,
      todo: "detach them, or add them to the config's policyArns",
    });
  }
  if (missing.length > 0) {
    findings.push({
      severity: "warning",
      code: "role-policies-missing",
      subject,
      message: `lacks policies the config attaches: ${missing.join(", ")}`,
      todo: deploy,
    });
  }
  const inline = await reader.inlinePolicies(role.name);
  const planned = role.inlinePolicy;
  const others = [...inline.keys()].filter((name) => name !== planned?.name);
  if (others.length > 0) {
    findings.push({
      severity: "error",
      code: "role-inline-extra",
      subject,
      message: `has inline policies the config does not give: ${others.join(", ")} (permissions nobody reviewed)`,
      todo: "delete them, or move them into the config's inlinePolicy",
    });
  }
  if (planned !== undefined && !samePolicy(inline.get(planned.name), planned.document)) {
    findings.push({
      severity: "warning",
      code: "role-inline-drift",
      subject,
      message: `its inline policy ${planned.name} is ${inline.has(planned.name) ? "not the config's" : "missing"}`,
      todo: deploy,
    });
  }
  return findings;
}

/** Roles tagged as this app's for the organization that the config does not name (any more). */
async function leftBehind(
  state: ExpectedState,
  own: readonly ExpectedRole[],
  where: string,
  reader: AwsAccountReader,
  hcp: HcpReader,
): Promise<Finding[]> {
  const named = new Set(own.map((role) => role.name.toLowerCase()));
  const findings: Finding[] = [];
  for (const role of await reader.managedRoles(state.organization)) {
    if (named.has(role.name.toLowerCase())) continue;
    const subject = `role ${role.name} in ${where}`;
    const workspace = role.tags.HcpWorkspace;
    const project = role.tags.HcpProject;
    const trusts =
      workspace !== undefined ? `workspace ${workspace}` : `project ${JSON.stringify(project)}`;
    const gone =
      workspace !== undefined
        ? (await hcp.workspace(workspace)) === undefined
        : project !== undefined && (await hcp.projectByName(project)) === undefined;
    findings.push(
      gone
        ? {
            severity: "error",
            code: "role-reclaimable",
            subject,
            message: `is left behind (tagged ManagedBy = hcp-aws-trust, not in the config), and the ${trusts} it trusts no longer exists: whoever creates one of that name in organization ${state.organization} can assume it`,
            todo: "delete the role (its stack no longer holds it), or put its entry back in the config",
          }
        : {
            severity: "warning",
            code: "role-left-behind",
            subject,
            message: `is left behind (tagged ManagedBy = hcp-aws-trust, not in the config); its trust of ${trusts} is live`,
            todo: "delete the role if nothing uses it, or put its entry back in the config",
          },
    );
  }
  return findings;
}

/** Whose runs a role serves, as findings name them. */
function whoseRuns(owner: ExpectedRole["owner"]): string {
  switch (owner.kind) {
    case "workspace":
      return `workspace ${owner.workspace}`;
    case "project":
      return `the workspaces of project ${JSON.stringify(owner.project)}`;
    case "stack":
      return `${owner.deployment === undefined ? "every deployment" : `deployment ${owner.deployment}`} of Stack ${owner.stack}`;
    case "module":
      return `the test runs of module ${owner.module}/${owner.provider}`;
    case "hyok":
      return `the agents of HYOK configuration ${owner.hyok}`;
  }
}
