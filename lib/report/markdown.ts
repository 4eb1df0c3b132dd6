import { UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { parseSubject, SUBJECT_KIND_NAMES } from "../run-subject";
import { accountAudit } from "./audit";
import { diagram, MERMAID_LIMITS } from "./diagram";
import type { ReportRole, ReportTarget, TrustReport } from "./model";

/**
 * Above this many roles (or variable targets), the per-role tables stay out of the Markdown: a
 * person reads the summary, and the full detail is in the JSON file beside it.
 */
export const DETAIL_LIMIT = 200;

/** The JSON file beside the Markdown, with every role and variable. */
export const REPORT_JSON_FILE = "trust-report.json";

/**
 * The trust report as Markdown, readable at any size: where it comes from, the warnings, a
 * summary per account and project, the per-role tables (up to {@link DETAIL_LIMIT} roles), the
 * audit lookups once per account, and the most detailed Mermaid diagram that renders.
 */
export function reportMarkdown(report: TrustReport): string {
  const lines: string[] = ["# Trust report", ""];
  const source = report.provenance?.source ?? "made from an unrecorded config";
  lines.push(
    `Who can reach which AWS account, read from the synthesized stacks, ${source}. Regenerated on every synth and by \`npm run report\`; every role and variable is in \`${REPORT_JSON_FILE}\` beside this file.`,
    "",
  );
  if (report.provenance?.stale !== undefined)
    lines.push(`> **Out of date:** ${report.provenance.stale}.`, "");
  if (report.warnings.length > 0) {
    lines.push(
      "## Warnings",
      "",
      ...report.warnings.map((w) => `- ${w.replace(/^Warning: /, "")}`),
      "",
    );
  }
  if (report.acknowledged !== undefined && report.acknowledged.length > 0) {
    lines.push(
      "## Acknowledged",
      "",
      "What the safety rules would warn of, accepted in the config (not printed by the synth):",
      "",
      ...report.acknowledged.map((a) => `- ${a}`),
      "",
    );
  }
  lines.push(...summary(report), ...pinningSection(report));
  if (report.roles.length <= DETAIL_LIMIT) lines.push(...roleTables(report));
  if (report.targets.length > 0 && report.targets.length <= DETAIL_LIMIT) {
    lines.push("## Variables written", "", "| on | variables |", "|---|---|");
    for (const target of report.targets) {
      const on = `${target.kind} ${target.name}${target.created ? " (created)" : ""}${TARGET_NOTE[target.kind](target)}`;
      lines.push(
        `| ${cell(on)} | ${cell(target.variables.map((v) => `\`${v.key}\` = ${v.value}`).join("<br>"))} |`,
      );
    }
    lines.push("");
  }
  lines.push(
    ...stacksSection(report),
    ...hyokSection(report),
    ...audit(report),
    ...diagramSection(report),
  );
  return lines.join("\n");
}

const TARGET_NOTE: Record<ReportTarget["kind"], (target: ReportTarget) => string> = {
  workspace: () => "",
  project: () => " (variable set)",
  module: (t) =>
    `${t.module === undefined ? "" : ` (${t.module.name}/${t.module.provider})`}, its test variables`,
};

/** For each HCP Terraform Stack: what its repository needs, ready to paste. */
function stacksSection(report: TrustReport): string[] {
  if (report.stacksHcl === undefined || report.stacksHcl.length === 0) return [];
  const lines = [
    "## HCP Terraform Stacks",
    "",
    "A Stack's deployments read no variables: each is given its role in the Stack's `.tfdeploy.hcl`, and its AWS provider assumes it with the deployment's identity token. Per Stack, the fragments to paste into its repository, with each deployment's role ARN:",
    "",
  ];
  for (const hcl of report.stacksHcl) {
    lines.push(
      `### Stack ${hcl.stack} (project ${hcl.project})`,
      "",
      "```hcl",
      hcl.deployments,
      "```",
      "",
      "```hcl",
      hcl.providers,
      "```",
      "",
    );
  }
  return lines;
}

/**
 * For each HYOK configuration: its role, key and agent pool, and what HCP Terraform and AWS
 * need beyond this app's deploy.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
function hyokSection(report: TrustReport): string[] {
  const roles = report.roles.filter((r) => r.hyok !== undefined);
  if (roles.length === 0) return [];
  const lines = [
    "## HYOK configurations",
    "",
    "Each hold-your-own-key configuration has a role that only its own tokens (`organization:ORG:hyok_config:NAME`) can assume, allowed only the listed KMS actions on its key, and, in the same stack, its HCP Terraform `tfe_aws_oidc_configuration` and `tfe_hyok_configuration` (`prevent_destroy`). The key's policy must let the role use the key (as a key user, or by allowing the account's IAM policies); the agent pool needs request forwarding on at least one agent (agents 1.23.0+, 1.30.0+ for a multi-Region key); promote the primary configuration in HCP Terraform. Retire one in two steps: revoke it in HCP Terraform and wait for the migration to finish, then set `retired: true` on its entry and deploy (its HCP Terraform objects are forgotten, never deleted, and its role destroyed); removing the entry before that stops the plan.",
    "",
    "| configuration | agent pool | KMS key | region | actions | granted on | role | stack |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const role of roles) {
    const h = role.hyok;
    if (h === undefined) continue;
    const on = h.alias === undefined ? h.resource : `${h.resource} with alias ${h.alias}`;
    lines.push(
      `| ${cell(h.name)} | ${cell(h.agentPool)} | \`${cell(h.kmsKey)}\` | \`${h.region}\` | ${cell(h.actions.join(", "))} | ${cell(on)} | \`${role.name}\` | \`${role.stack}\` |`,
    );
  }
  lines.push("");
  return lines;
}

/** Which trusted names are pinned, and the unpinned ones (up to {@link DETAIL_LIMIT}). */
function pinningSection(report: TrustReport): string[] {
  const pinning = report.pinning;
  if (pinning === undefined) return [];
  const total = pinning.pinned + pinning.unpinned.length;
  const lines = [
    "## Pins",
    "",
    `${pinning.pinned} of ${total} trusted names pinned to their HCP Terraform ID (\`trust.pins.json\`): a deploy refuses a pinned name that now belongs to another object, and \`npm run doctor\` reports it.`,
    "",
  ];
  if (pinning.unpinned.length === 0) return lines;
  lines.push(
    `Unpinned (${pinning.unpinned.length}): they deploy, but nothing notices if their name passes to another object; pin them with \`npm run doctor -- --pin\`.`,
    "",
    ...pinning.unpinned.slice(0, DETAIL_LIMIT).map((name) => `- ${cell(name)}`),
    ...(pinning.unpinned.length > DETAIL_LIMIT
      ? [`- … and ${pinning.unpinned.length - DETAIL_LIMIT} more, in \`${REPORT_JSON_FILE}\``]
      : []),
    "",
  );
  return lines;
}

function summary(report: TrustReport): string[] {
  const projects = new Map<string, { account: string; project: string; roles: ReportRole[] }>();
  for (const role of report.roles) {
    const project =
      role.module !== undefined
        ? "(registry modules)"
        : role.hyok !== undefined
          ? "(HYOK configurations)"
          : (role.project ?? "(any project)");
    const key = `${role.account}\0${project}`;
    const entry = projects.get(key) ?? { account: role.account, project, roles: [] };
    entry.roles.push(role);
    projects.set(key, entry);
  }
  const workspaces = report.targets.filter((t) => t.kind === "workspace").length;
  const sets = report.targets.filter((t) => t.kind === "project").length;
  const modules = report.targets.filter((t) => t.kind === "module").length;
  const where = [
    `on ${workspaces} workspace${workspaces === 1 ? "" : "s"}`,
    `in ${sets} project variable set${sets === 1 ? "" : "s"}`,
    ...(modules === 0
      ? []
      : [`in the test variables of ${modules} module${modules === 1 ? "" : "s"}`]),
  ];
  const ownKinds = report.roles.some((r) => r.hcpStack !== undefined || r.module !== undefined);
  const lines = [
    "## Summary",
    "",
    `${report.roles.length} roles in ${report.accounts.length} AWS account${report.accounts.length === 1 ? "" : "s"}; variables ${where.slice(0, -1).join(", ")} and ${where.at(-1)}.`,
    "",
    "| account | ID | region | OIDC provider | stacks | roles |",
    "|---|---|---|---|---|---|",
  ];
  for (const account of report.accounts) {
    const count = report.roles.filter((r) => r.account === account.name).length;
    lines.push(
      `| ${cell(account.name)} | ${account.accountId ?? "set at deploy"} | \`${account.region}\` | ${cell(account.oidcProvider || "none")} | ${account.stacks.length} | ${count} |`,
    );
  }
  // Stack deployment and module test roles get their own columns, when there are any.
  lines.push(
    "",
    `| account | project | workspaces with own roles | project-wide roles |${ownKinds ? " Stack deployment roles | module test roles |" : ""} roles |`,
    `|---|---|---|---|${ownKinds ? "---|---|" : ""}---|`,
  );
  for (const { account, project, roles } of projects.values()) {
    const own = new Set(roles.flatMap((r) => (r.workspace === undefined ? [] : [r.workspace])));
    const kinds = ownKinds
      ? ` ${roles.filter((r) => r.hcpStack !== undefined).length} | ${roles.filter((r) => r.module !== undefined).length} |`
      : "";
    const wide = roles.filter(
      (r) =>
        r.workspace === undefined &&
        r.hcpStack === undefined &&
        r.module === undefined &&
        r.hyok === undefined,
    ).length;
    lines.push(
      `| ${cell(account)} | ${cell(project)} | ${own.size} | ${wide} |${kinds} ${roles.length} |`,
    );
  }
  lines.push("");
  if (report.roles.length > DETAIL_LIMIT) {
    lines.push(
      `The ${report.roles.length} roles, their policies and the variables that name them are listed in \`${REPORT_JSON_FILE}\` (above ${DETAIL_LIMIT} roles they stay out of this page).`,
      "",
    );
  }
  return lines;
}

function roleTables(report: TrustReport): string[] {
  const lines: string[] = [];
  for (const account of report.accounts) {
    const id = account.accountId ?? "the account its credentials belong to";
    lines.push(`## Account ${account.name} (${account.accountId ?? "ID set at deploy"})`, "");
    lines.push(
      `Region \`${account.region}\`, deployed to ${id}. OIDC provider: ${account.oidcProvider || "none"}. Stacks: ${account.stacks.map((s) => `\`${s}\``).join(", ")}.`,
      "",
      "| runs of | admits | phase | role | policies | variables written | stack |",
      "|---|---|---|---|---|---|---|",
    );
    for (const role of report.roles.filter((r) => r.account === account.name)) {
      const kind = parseSubject(role.subject)?.kind;
      const admits = kind === undefined ? "?" : `${SUBJECT_KIND_NAMES[kind]} tokens only`;
      lines.push(
        `| ${cell(whose(role))} | ${admits} | ${role.phase} | \`${role.name}\` | ${cell(role.policies.join(", ") || "none")} | ${cell(role.variables.join("<br>") || (role.hcpStack === undefined ? "none" : "`.tfdeploy.hcl` of the Stack (below)"))} | \`${role.stack}\` |`,
      );
    }
    lines.push("");
  }
  return lines;
}

function audit(report: TrustReport): string[] {
  const lines = [
    "## Audit",
    "",
    "Each assumption of a role is an `AssumeRoleWithWebIdentity` event in CloudTrail, in the region whose STS endpoint the run used (normally the region of the workspace's `aws` provider); its user name is the run's `sub`. Per account: the events of one role (set `ROLE_ARN`), and every role the organization's runs assumed, per role and run (add `AND ... = 'ROLE_ARN'` on the role column for one role).",
    "",
  ];
  if (report.roles.some((r) => r.arn.includes(`::${UNKNOWN_ACCOUNT_ID}:`))) {
    lines.push(
      `Replace \`${UNKNOWN_ACCOUNT_ID}\` with the ID of the account the stack was deployed to.`,
      "",
    );
  }
  for (const account of report.accounts) {
    const roles = report.roles.filter((r) => r.account === account.name);
    const first = roles[0];
    if (first === undefined) continue;
    const q = accountAudit(account, first.organization, first.arn);
    lines.push(
      `### Account ${account.name} (${account.accountId ?? "ID set at deploy"}), region \`${account.region}\``,
      "",
      "```sh",
      q.parameter,
      q.cli,
      "```",
      "",
      "CloudTrail Lake:",
      "",
      "```sql",
      q.lake,
      "```",
      "",
      "Athena (CloudTrail table `cloudtrail_logs`):",
      "",
      "```sql",
      q.athena,
      "```",
      "",
    );
  }
  return lines;
}

function diagramSection(report: TrustReport): string[] {
  const d = diagram(report);
  const note =
    d.detail === "roles"
      ? []
      : [
          `Every role would take more than Mermaid renders (${MERMAID_LIMITS.maxTextSize.toLocaleString("en-US")} characters, ${MERMAID_LIMITS.maxEdges} edges), so the diagram is collapsed to ${d.detail === "projects" ? "projects" : "accounts"}, with the number of roles on each edge; every role is in \`${REPORT_JSON_FILE}\`.`,
          "",
        ];
  return ["## Diagram", "", ...note, "```mermaid", ...d.lines, "```", ""];
}

/** Whose runs a role admits, as the tables' "runs of" column says it. */
export function whose(role: ReportRole): string {
  const project = role.project === undefined ? "any project" : `project ${role.project}`;
  const who =
    role.hyok !== undefined
      ? `agents of HYOK configuration ${role.hyok.name}`
      : role.module !== undefined
        ? `test runs of module ${role.module.subjectName} (${role.module.name}/${role.module.provider})`
        : role.hcpStack !== undefined
          ? `${role.hcpStack.deployment === undefined ? "every deployment" : `deployment ${role.hcpStack.deployment}`} of Stack ${role.hcpStack.name} (${project})`
          : role.workspace === undefined
            ? `every workspace of ${project}`
            : `workspace ${role.workspace} (${project})`;
  return role.tag === undefined ? who : `${who}, tag ${role.tag}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}
