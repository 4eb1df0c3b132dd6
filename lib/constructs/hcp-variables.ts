import { DataTfeOrganization } from "@cdktf/provider-tfe/lib/data-tfe-organization";
import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { DataTfeWorkspace } from "@cdktf/provider-tfe/lib/data-tfe-workspace";
import { ProjectVariableSet } from "@cdktf/provider-tfe/lib/project-variable-set";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { VariableSet } from "@cdktf/provider-tfe/lib/variable-set";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import type { Construct } from "constructs";
import { variableSetName } from "../plan/members";
import type { HcpVariableTarget, PlannedHcp } from "../plan/model";
import { projectKey } from "../plan/naming";
import { type Pins, pinnedId } from "../plan/pins";
import { PRODUCT } from "../product";
import { literal } from "../terraform-text";
import { pinAddress } from "./address";
import { eachValue, setForEach } from "./each";
import { ROLE_RESOURCES } from "./roles";

export interface HcpVariablesProps {
  readonly hcp: PlannedHcp;
  /** The workspaces and projects whose variables live in this stack. */
  readonly targets: readonly HcpVariableTarget[];
  /** Each role's ARN by key: a literal, or a reference into this stack. */
  readonly roleArns: ReadonlyMap<string, string>;
  /**
   * Write `tfe_workspace.created` even with no created workspace left (an empty map), so that
   * `prevent_destroy` still guards what the state holds (see `PlannedStack.guardsCreated`).
   * @default false
   */
  readonly guardCreated?: boolean;
  /** The pinned IDs (`trust.pins.json`): each lookup fails the plan when its name moved on. */
  readonly pins?: Pins;
}

/** What a swap probably was, and what to do: the end of every pin postcondition's message. */
const RE_PIN =
  'Confirm that the new owner is yours, then re-pin with "npm run doctor -- --pin"; or remove the entry from the config (and its pin from the pins file).';

/**
 * A pin's postcondition on a `for_each` lookup whose map values carry `pinned_id` (the pin, or
 * "" when there is none: an unpinned entry still deploys). Terraform renders `error_message`
 * even when the condition holds, so every value it reads is a string, never null.
 */
function pinCondition(what: string, kind: string) {
  return {
    condition: '${each.value.pinned_id == "" || self.id == each.value.pinned_id}',
    errorMessage: `${what} is not the ${kind} its roles were made for: the pins file pins \${each.value.pinned_id}, but the name now belongs to \${self.id}. The ${kind} was probably deleted and created again, or renamed and its name reused: runs of \${self.id} can assume the roles that trust the name, and this deploy stops before writing them any variables. ${RE_PIN}`,
  };
}

/**
 * The organization's lookup, when its external ID is pinned: the plan fails when the name
 * belongs to another organization now (deleted, and its name registered again).
 */
export function addOrganizationPin(scope: Construct, hcp: PlannedHcp, pins?: Pins): void {
  const id = pinnedId(pins, "organization", hcp.organization);
  if (id === undefined) return;
  const organization = literal(hcp.organization);
  const quoted = literal(JSON.stringify(hcp.organization));
  pinAddress(
    new DataTfeOrganization(scope, "organization", {
      name: organization,
      lifecycle: {
        postcondition: [
          {
            // The ID matched `org-[A-Za-z0-9]+` when the pins file was read: safe in an expression.
            condition: `\${self.external_id == "${id}"}`,
            errorMessage: `Organization ${quoted} is not the organization its roles were made for: the pins file pins ${id}, but the name now belongs to \${self.external_id == null ? "an organization without an external ID" : self.external_id}. The organization was probably deleted and its name registered again${hcp.hostname === "app.terraform.io" ? " (on app.terraform.io anyone can register a free name)" : ""}: runs of its workspaces can assume the roles that trust the name, and this deploy stops before writing anything. ${RE_PIN}`,
          },
        ],
      },
    }),
    "organization",
  );
}

const DESCRIPTION = `AWS dynamic credentials. Managed by ${PRODUCT}: change its config and deploy, not this variable.`;

/** `${ADDRESS["KEY"].id}`: keys are Terraform names or workspace names, which need no quoting. */
function idOf(address: string, key: string): string {
  return `\${${address}["${key}"].id}`;
}

/**
 * Adds the HCP Terraform side to a stack (whose `tfe` provider reads its token from TFE_TOKEN or the
 * CLI's credentials file when Terraform runs): for each workspace its variables
 * (on the workspace, looked up by name, or created with `create: true`); for each project a
 * variable set attached to the project. One `for_each` resource per type, keyed by stable names.
 *
 * Each workspace is looked up on its own (`data.tfe_workspace`, one API call), never by listing
 * the organization, so a plan's API calls grow with what this app manages. A workspace in a
 * project fails the plan when it is not in that project any more (a postcondition), instead of
 * its runs failing with AccessDenied later.
 */
export function addHcpVariables(scope: Construct, props: HcpVariablesProps): void {
  const { hcp, targets, roleArns, pins } = props;
  const guardCreated = props.guardCreated === true;
  if (targets.length === 0 && !guardCreated) return;
  const organization = literal(hcp.organization);

  const projectNames = new Map<string, string>();
  for (const { owner } of targets) {
    if (owner.kind === "project") projectNames.set(projectKey(owner.name), owner.name);
    else if (owner.project !== undefined)
      projectNames.set(projectKey(owner.project), owner.project);
  }
  if (projectNames.size > 0) {
    setForEach(
      pinAddress(
        new DataTfeProject(scope, "projects", {
          name: eachValue("name"),
          organization,
          lifecycle: { postcondition: [pinCondition('Project "${each.value.name}"', "project")] },
        }),
        "projects",
      ),
      Object.fromEntries(
        [...projectNames].map(([key, name]) => [
          key,
          {
            name: literal(name),
            // Validated as `prj-[A-Za-z0-9]+` when read; "" when unpinned, never null.
            pinned_id: pinnedId(pins, "project", name) ?? "",
          },
        ]),
      ),
    );
  }
  const projectId = (name: string) => idOf("data.tfe_project.projects", projectKey(name));

  const workspaces = targets.flatMap(({ owner }) => (owner.kind === "workspace" ? [owner] : []));
  const existing = workspaces.filter((ws) => !ws.create);
  const created = workspaces.filter((ws) => ws.create);
  if (existing.length > 0) {
    setForEach(
      pinAddress(
        new DataTfeWorkspace(scope, "workspaces", {
          name: "${each.key}",
          organization,
          lifecycle: {
            postcondition: [
              {
                condition:
                  "${each.value.project_id == null || self.project_id == each.value.project_id}",
                errorMessage:
                  'Workspace "${each.key}" is not in project "${each.value.project}" any more. Its roles trust only runs of that project: move it back in HCP Terraform, or set its project in the config.',
              },
              pinCondition('Workspace "${each.key}"', "workspace"),
            ],
          },
        }),
        "workspaces",
      ),
      Object.fromEntries(
        existing.map((ws) => [
          ws.name,
          {
            project_id: ws.project === undefined ? null : projectId(ws.project),
            // Never null: Terraform renders `error_message` even when the condition holds, and
            // a null in a template fails the plan. The message is shown only for a project.
            project: ws.project === undefined ? "" : literal(ws.project),
            pinned_id: pinnedId(pins, "workspace", ws.name) ?? "",
          },
        ]),
      ),
    );
  }
  // Kept with an empty map while the stack guards created workspaces: `prevent_destroy` checks
  // only resources that still have configuration, so removing the block would destroy them.
  if (created.length > 0 || guardCreated) {
    setForEach(
      pinAddress(
        new Workspace(scope, "created", {
          name: "${each.key}",
          organization,
          projectId: eachValue("project_id"),
          description: `Created by ${PRODUCT}, with AWS dynamic credentials.`,
          // Destroying it would first strip its credentials, and then leave it unable to destroy
          // its own resources: removing a created workspace is a documented two-step change.
          lifecycle: { preventDestroy: true },
        }),
        "created",
      ),
      Object.fromEntries(
        created.map((ws) => [ws.name, { project_id: projectId(ws.project ?? "") }]),
      ),
    );
  }

  const projects = targets.flatMap(({ owner }) => (owner.kind === "project" ? [owner] : []));
  if (projects.length > 0) {
    setForEach(
      pinAddress(
        new VariableSet(scope, "sets", {
          name: eachValue("name"),
          description: eachValue("description"),
          organization,
          // Not a priority set: a workspace's own variables (its own role) keep winning.
          priority: false,
        }),
        "projects",
      ),
      Object.fromEntries(
        projects.map((project) => [
          projectKey(project.name),
          {
            name: literal(variableSetName(project.name)),
            description: literal(
              `AWS dynamic credentials for every workspace of project ${project.name}. Managed by ${PRODUCT}.`,
            ),
          },
        ]),
      ),
    );
    setForEach(
      pinAddress(
        new ProjectVariableSet(scope, "project-sets", {
          projectId: "${data.tfe_project.projects[each.key].id}",
          variableSetId: "${tfe_variable_set.projects[each.key].id}",
        }),
        "projects",
      ),
      Object.fromEntries(projects.map((project) => [projectKey(project.name), {}])),
    );
  }

  const variables: Record<
    string,
    { key: string; value: string; workspace_id: string | null; variable_set_id: string | null }
  > = {};
  for (const { key: targetKey, owner, variables: planned } of targets) {
    const workspaceId =
      owner.kind === "project"
        ? null
        : owner.create
          ? idOf("tfe_workspace.created", owner.name)
          : idOf("data.tfe_workspace.workspaces", owner.name);
    const setId = owner.kind === "project" ? idOf("tfe_variable_set.projects", targetKey) : null;
    for (const { key, value } of planned) {
      const arn =
        value.kind !== "role-arn"
          ? undefined
          : value.arn !== undefined
            ? literal(value.arn)
            : roleArns.get(value.role);
      if (value.kind === "role-arn" && arn === undefined)
        throw new Error(`${key}: no ARN for role ${value.role}`);
      variables[`${targetKey}_${key}`] = {
        key,
        value: value.kind === "text" ? literal(value.text) : (arn as string),
        workspace_id: workspaceId,
        variable_set_id: setId,
      };
    }
  }
  if (Object.keys(variables).length === 0) return;
  const resource = pinAddress(
    new Variable(scope, "variables", {
      key: eachValue("key"),
      value: eachValue("value"),
      category: "env",
      description: DESCRIPTION,
      workspaceId: eachValue("workspace_id"),
      variableSetId: eachValue("variable_set_id"),
    }),
    "variables",
  );
  setForEach(resource, variables);
  afterRoles(resource, roleArns);
}

/**
 * A role ARN written as a literal gives Terraform no reason to wait for the role: without this, a
 * variable could name a role before it exists (the role's creation failing, or still running),
 * and a role could be destroyed before the variable that named it stops naming it. With it, the
 * variables are written after the stack's roles are created, and before any is destroyed.
 */
export function afterRoles(
  resource: { addOverride(path: string, value: unknown): void },
  roleArns: ReadonlyMap<string, string>,
): void {
  if (roleArns.size > 0)
    resource.addOverride("depends_on", [`aws_iam_role.${ROLE_RESOURCES.role}`]);
}
