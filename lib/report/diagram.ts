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
 * projects → workspaces, or Stacks and their deployments → roles → accounts; registry modules
 * under the organization), else projects → accounts with the number of roles on
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

/** The node under the organization a role hangs from: its project, or the registry's modules. */
function projectNode(chart: Flowchart, role: ReportRole): string {
  if (role.module !== undefined) return chart.node("modules", "registry modules");
  const label = role.project === undefined ? "any project" : `project ${role.project}`;
  return chart.node(`project:${role.project ?? "*"}`, label);
}

/**
 * The nodes from the organization down to whose runs a role admits, the organization first: its
 * project, then a workspace, or a Stack and its deployment; for a module, the module alone.
 */
function ownerPath(chart: Flowchart, role: ReportRole): string[] {
  const org = chart.node(`org:${role.organization}`, `organization ${role.organization}`, "round");
  if (role.module !== undefined) {
    const { subjectName, name, provider } = role.module;
    return [
      org,
      chart.node(`module:${subjectName}`, `module ${subjectName} (${name}/${provider})`),
    ];
  }
  const project = projectNode(chart, role);
  const where = role.project ?? "*";
  if (role.hcpStack !== undefined) {
    const { name, deployment } = role.hcpStack;
    const stack = chart.node(`stack:${where}:${name}`, `Stack ${name}`);
    if (deployment === undefined) return [org, project, stack];
    const key = `deployment:${where}:${name}:${deployment}`;
    return [org, project, stack, chart.node(key, `deployment ${deployment}`)];
  }
  if (role.workspace === undefined) return [org, project];
  return [org, project, chart.node(`ws:${where}:${role.workspace}`, `workspace ${role.workspace}`)];
}

function accountNode(chart: Flowchart, report: TrustReport, name: string): string {
  const account = report.accounts.find((a) => a.name === name);
  const id = account?.accountId === undefined ? "" : ` (${account.accountId})`;
  return chart.node(`account:${name}`, `AWS account ${name}${id}`, "round");
}

function roleDiagram(report: TrustReport): Diagram {
  const chart = new Flowchart();
  for (const role of report.roles) {
    const path = ownerPath(chart, role);
    const roleNode = chart.node(`role:${role.stack}:${role.name}`, role.name);
    for (let i = 1; i < path.length; i++) chart.edge(path[i - 1] as string, path[i] as string);
    const owner = path[path.length - 1] as string;
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
    (r) =>
      `${r.organization}\0${r.module === undefined ? (r.project ?? "*") : "\0modules"}\0${r.account}`,
  )) {
    const org = chart.node(
      `org:${role.organization}`,
      `organization ${role.organization}`,
      "round",
    );
    const project = projectNode(chart, role);
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
