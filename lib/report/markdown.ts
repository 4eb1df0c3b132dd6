import { UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { auditQueries } from "./audit";
import type { ReportRole, TrustReport } from "./model";

/** The trust report as Markdown: warnings, a table per account, the audit lookups, a Mermaid diagram. */
export function reportMarkdown(report: TrustReport): string {
  const lines: string[] = ["# Trust report", ""];
  lines.push(
    "Who can reach which AWS account, read from the synthesized stacks. Regenerated on every synth and by `npm run report`.",
    "",
  );
  if (report.warnings.length > 0) {
    lines.push(
      "## Warnings",
      "",
      ...report.warnings.map((w) => `- ${w.replace(/^Warning: /, "")}`),
      "",
    );
  }
  for (const account of report.accounts) {
    const id = account.accountId ?? "the account its credentials belong to";
    lines.push(`## Account ${account.name} (${account.accountId ?? "ID set at deploy"})`, "");
    lines.push(
      `Region \`${account.region}\`, deployed to ${id}. OIDC provider: ${account.oidcProvider || "none"}. Stacks: ${account.stacks.map((s) => `\`${s}\``).join(", ")}.`,
      "",
    );
    const roles = report.roles.filter((r) => r.account === account.name);
    lines.push(
      "| runs of | phase | role | policies | variables written | stack |",
      "|---|---|---|---|---|---|",
    );
    for (const role of roles) {
      lines.push(
        `| ${cell(whose(role))} | ${role.phase} | \`${role.name}\` | ${cell(role.policies.join(", ") || "none")} | ${cell(role.variables.join("<br>") || "none")} | \`${role.stack}\` |`,
      );
    }
    lines.push("");
  }
  if (report.targets.length > 0) {
    lines.push("## Variables written", "", "| on | variables |", "|---|---|");
    for (const target of report.targets) {
      const on = `${target.kind} ${target.name}${target.created ? " (created)" : ""}${target.kind === "project" ? " (variable set)" : ""}`;
      lines.push(
        `| ${cell(on)} | ${cell(target.variables.map((v) => `\`${v.key}\` = ${v.value}`).join("<br>"))} |`,
      );
    }
    lines.push("");
  }
  lines.push("## Audit", "");
  lines.push(
    "Each assumption of a role is an `AssumeRoleWithWebIdentity` event in CloudTrail, in the region whose STS endpoint the run used (normally the region of the workspace's `aws` provider); its user name is the run's `sub`. For each role:",
    "",
  );
  if (report.roles.some((r) => r.arn.includes(`::${UNKNOWN_ACCOUNT_ID}:`))) {
    lines.push(
      `Replace \`${UNKNOWN_ACCOUNT_ID}\` with the ID of the account the stack was deployed to.`,
      "",
    );
  }
  for (const role of report.roles) {
    const q = auditQueries(role);
    lines.push(
      `### \`${role.name}\``,
      "",
      "```sh",
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
  lines.push("## Diagram", "", "```mermaid", ...mermaid(report), "```", "");
  return lines.join("\n");
}

function whose(role: ReportRole): string {
  const project = role.project === undefined ? "any project" : `project ${role.project}`;
  const who =
    role.workspace === undefined
      ? `every workspace of ${project}`
      : `workspace ${role.workspace} (${project})`;
  return role.tag === undefined ? who : `${who}, tag ${role.tag}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** HCP organization → projects → workspaces → roles → AWS accounts. */
export function mermaid(report: TrustReport): string[] {
  const ids = new Map<string, string>();
  const lines = ["flowchart LR"];
  const node = (key: string, label: string, shape: "box" | "round" = "box") => {
    let id = ids.get(key);
    if (id === undefined) {
      id = `n${ids.size + 1}`;
      ids.set(key, id);
      const text = label.replace(/"/g, "#quot;");
      lines.push(shape === "round" ? `  ${id}(["${text}"])` : `  ${id}["${text}"]`);
    }
    return id;
  };
  const edges = new Set<string>();
  const edge = (from: string, to: string, label?: string) => {
    const line =
      label === undefined
        ? `  ${from} --> ${to}`
        : `  ${from} -- ${label.replace(/"/g, "#quot;")} --> ${to}`;
    if (!edges.has(line)) {
      edges.add(line);
      lines.push(line);
    }
  };
  for (const role of report.roles) {
    const org = node(`org:${role.organization}`, `organization ${role.organization}`, "round");
    const project = node(
      `project:${role.project ?? "*"}`,
      role.project === undefined ? "any project" : `project ${role.project}`,
    );
    const owner =
      role.workspace === undefined
        ? project
        : node(`ws:${role.project ?? "*"}:${role.workspace}`, `workspace ${role.workspace}`);
    const account = report.accounts.find((a) => a.name === role.account);
    const target = node(
      `account:${role.account}`,
      `AWS account ${role.account}${account?.accountId === undefined ? "" : ` (${account.accountId})`}`,
      "round",
    );
    const roleNode = node(`role:${role.stack}:${role.name}`, role.name);
    edge(org, project);
    if (owner !== project) edge(project, owner);
    edge(owner, roleNode, [role.phase, role.tag].filter(Boolean).join(", "));
    edge(roleNode, target);
  }
  return lines;
}
