import type { ReportRole, TrustReport } from "./model";

/**
 * What Mermaid renders by default: at most 50,000 characters of diagram text (`maxTextSize`,
 * https://mermaid.js.org/config/schema-docs/config-properties-maxtextsize.html; longer text is
 * replaced by "Maximum text size in diagram exceeded") and 500 edges (`maxEdges`,
 * https://mermaid.js.org/config/schema-docs/config-properties-maxedges.html; the 501st throws
 * "Edge limit exceeded"). Viewers such as GitHub keep these defaults.
 */
export const MERMAID_LIMITS = { maxTextSize: 50_000, maxEdges: 500 } as const;

/** A flowchart and how much it had to be collapsed to render. */
export interface Diagram {
  /** Diagram text, `flowchart LR` first. */
  readonly lines: readonly string[];
  readonly edges: number;
  /** `roles`: every role; `projects`: projects → accounts; `accounts`: organization → accounts. */
  readonly detail: "roles" | "projects" | "accounts";
}

/**
 * The most detailed diagram of the report that Mermaid renders: every role (organization →
 * projects → workspaces → roles → accounts), else projects → accounts with the number of roles on
 * each edge, else organization → accounts.
 */
export function diagram(report: TrustReport): Diagram {
  for (const build of [roleDiagram, projectDiagram]) {
    const candidate = build(report);
    if (fits(candidate)) return candidate;
  }
  return accountDiagram(report);
}

/** Whether Mermaid renders the diagram with its default limits. */
export function fits(d: Pick<Diagram, "lines" | "edges">): boolean {
  return (
    d.lines.join("\n").length <= MERMAID_LIMITS.maxTextSize && d.edges <= MERMAID_LIMITS.maxEdges
  );
}

class Flowchart {
  private readonly ids = new Map<string, string>();
  private readonly edgeLines = new Set<string>();
  readonly lines = ["flowchart LR"];

  node(key: string, label: string, shape: "box" | "round" = "box"): string {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = `n${this.ids.size + 1}`;
      this.ids.set(key, id);
      const text = label.replace(/"/g, "#quot;");
      this.lines.push(shape === "round" ? `  ${id}(["${text}"])` : `  ${id}["${text}"]`);
    }
    return id;
  }

  edge(from: string, to: string, label?: string): void {
    const line =
      label === undefined || label === ""
        ? `  ${from} --> ${to}`
        : `  ${from} -- ${label.replace(/"/g, "#quot;")} --> ${to}`;
    if (!this.edgeLines.has(line)) {
      this.edgeLines.add(line);
      this.lines.push(line);
    }
  }

  done(detail: Diagram["detail"]): Diagram {
    return { lines: this.lines, edges: this.edgeLines.size, detail };
  }
}

const projectLabel = (role: ReportRole) =>
  role.project === undefined ? "any project" : `project ${role.project}`;

function accountNode(chart: Flowchart, report: TrustReport, name: string): string {
  const account = report.accounts.find((a) => a.name === name);
  const id = account?.accountId === undefined ? "" : ` (${account.accountId})`;
  return chart.node(`account:${name}`, `AWS account ${name}${id}`, "round");
}

function roleDiagram(report: TrustReport): Diagram {
  const chart = new Flowchart();
  for (const role of report.roles) {
    const org = chart.node(
      `org:${role.organization}`,
      `organization ${role.organization}`,
      "round",
    );
    const project = chart.node(`project:${role.project ?? "*"}`, projectLabel(role));
    const owner =
      role.workspace === undefined
        ? project
        : chart.node(`ws:${role.project ?? "*"}:${role.workspace}`, `workspace ${role.workspace}`);
    const roleNode = chart.node(`role:${role.stack}:${role.name}`, role.name);
    chart.edge(org, project);
    if (owner !== project) chart.edge(project, owner);
    chart.edge(owner, roleNode, [role.phase, role.tag].filter(Boolean).join(", "));
    chart.edge(roleNode, accountNode(chart, report, role.account));
  }
  return chart.done("roles");
}

/** Counts per key, in first-seen order. */
function tally(roles: readonly ReportRole[], key: (role: ReportRole) => string) {
  const counts = new Map<string, { role: ReportRole; count: number }>();
  for (const role of roles) {
    const k = key(role);
    const entry = counts.get(k) ?? { role, count: 0 };
    entry.count++;
    counts.set(k, entry);
  }
  return [...counts.values()];
}

const roles = (n: number) => `${n} role${n === 1 ? "" : "s"}`;

function projectDiagram(report: TrustReport): Diagram {
  const chart = new Flowchart();
  for (const { role, count } of tally(
    report.roles,
    (r) => `${r.organization}\0${r.project ?? "*"}\0${r.account}`,
  )) {
    const org = chart.node(
      `org:${role.organization}`,
      `organization ${role.organization}`,
      "round",
    );
    const project = chart.node(`project:${role.project ?? "*"}`, projectLabel(role));
    chart.edge(org, project);
    chart.edge(project, accountNode(chart, report, role.account), roles(count));
  }
  return chart.done("projects");
}

function accountDiagram(report: TrustReport): Diagram {
  const chart = new Flowchart();
  for (const { role, count } of tally(report.roles, (r) => `${r.organization}\0${r.account}`)) {
    const org = chart.node(
      `org:${role.organization}`,
      `organization ${role.organization}`,
      "round",
    );
    chart.edge(org, accountNode(chart, report, role.account), roles(count));
  }
  return chart.done("accounts");
}
