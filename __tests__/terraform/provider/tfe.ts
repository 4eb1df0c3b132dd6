import { UNKNOWN, type Value, type ValueObject } from "./cty";
import { schemaOf } from "./schema-types";
import { TFE_SCHEMAS } from "./schemas-tfe";
import { type ProviderDefinition, ProviderError, type ResourceType } from "./server";
import {
  emptyTfeWorld,
  type TfeWorld,
  tfeWorldFile,
  updateWorld,
  type WorldVariable,
  type WorldWorkspace,
  worldDir,
} from "./world";

interface TfeContext {
  readonly hostname: string;
  readonly organization: string | null;
  world<T>(change: (world: TfeWorld) => T): T;
}

const str = (value: Value | undefined): string | null => (typeof value === "string" ? value : null);

/** An ID as HCP Terraform makes them: a prefix and 16 characters. */
export function nextId(world: TfeWorld, prefix: string): string {
  world.counter += 1;
  return `${prefix}-${world.counter.toString(36).padStart(16, "0")}`;
}

/** A JSON:API 422 as the tfe provider reports it (go-tfe's "invalid attribute" and the API's detail). */
const invalid = (summary: string, detail: string) =>
  new ProviderError(summary, `invalid attribute\n\n${detail}`);

const organizationOf = (ctx: TfeContext, value: Value | undefined): string => {
  const organization = str(value) ?? ctx.organization;
  if (organization === null) {
    throw new ProviderError(
      "Missing organization",
      "no organization in the resource or the provider",
    );
  }
  return organization;
};

const defaultProjectId = (world: TfeWorld, organization: string): string => {
  let project = world.projects.find(
    (p) => p.organization === organization && p.name === "Default Project",
  );
  if (project === undefined) {
    project = { id: nextId(world, "prj"), name: "Default Project", organization };
    world.projects.push(project);
  }
  return project.id;
};

/** The `readable_value` a variable plans: its value unless sensitive (then null). */
function planReadableValue(planned: ValueObject): void {
  if (planned.sensitive === UNKNOWN) planned.readable_value = UNKNOWN;
  else planned.readable_value = planned.sensitive === true ? null : (planned.value ?? null);
}

function variableState(variable: WorldVariable, previous: ValueObject): ValueObject {
  return {
    ...previous,
    id: variable.id,
    key: variable.key,
    // The API never returns a sensitive value: the state keeps the one written.
    value: variable.sensitive ? (previous.value ?? null) : variable.value,
    category: variable.category,
    description: variable.description,
    hcl: variable.hcl,
    sensitive: variable.sensitive,
    readable_value: variable.sensitive ? null : variable.value,
    value_wo: null,
  };
}

function newVariable(world: TfeWorld, planned: ValueObject): WorldVariable {
  return {
    id: nextId(world, "var"),
    key: str(planned.key) ?? "",
    value: str(planned.value) ?? "",
    sensitive: planned.sensitive === true,
    category: planned.category === "terraform" ? "terraform" : "env",
    description: str(planned.description) ?? "",
    hcl: planned.hcl === true,
  };
}

function assignVariable(variable: WorldVariable, planned: ValueObject): void {
  variable.key = str(planned.key) ?? variable.key;
  variable.value = str(planned.value) ?? "";
  variable.description = str(planned.description) ?? "";
  variable.hcl = planned.hcl === true;
  variable.sensitive = planned.sensitive === true;
}

/** The variables of the workspace or variable set a tfe_variable belongs to. */
function containerOf(
  world: TfeWorld,
  state: ValueObject,
): { vars: WorldVariable[]; name: string } | null {
  const workspaceId = str(state.workspace_id);
  if (workspaceId !== null) {
    const workspace = world.workspaces.find((w) => w.id === workspaceId);
    return workspace === undefined
      ? null
      : { vars: workspace.vars, name: `workspace: ${workspaceId}` };
  }
  const varsetId = str(state.variable_set_id);
  const varset = world.varsets.find((v) => v.id === varsetId);
  return varset === undefined ? null : { vars: varset.vars, name: `variable set: ${varsetId}` };
}

const variable: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_variable"),
  forceNew: ["category", "workspace_id", "variable_set_id"],
  validate(config) {
    const workspace = config.workspace_id;
    const varset = config.variable_set_id;
    if (workspace !== UNKNOWN && varset !== UNKNOWN && (workspace === null) === (varset === null)) {
      throw new ProviderError(
        "Invalid Attribute Combination",
        "Exactly one of these attributes must be configured: [workspace_id,variable_set_id]",
      );
    }
    if (typeof workspace === "string" && !/^ws-[a-zA-Z0-9]+$/.test(workspace)) {
      throw new ProviderError(
        "Invalid Attribute Value Match",
        `workspace_id must be a valid workspace ID (ws-<RANDOM STRING>), got: ${workspace}`,
        "workspace_id",
      );
    }
    if (typeof varset === "string" && !/^varset-[a-zA-Z0-9]+$/.test(varset)) {
      throw new ProviderError(
        "Invalid Attribute Value Match",
        `variable_set_id must be a valid variable set ID (varset-<RANDOM STRING>), got: ${varset}`,
        "variable_set_id",
      );
    }
    if (typeof config.category === "string" && !["env", "terraform"].includes(config.category)) {
      throw new ProviderError(
        "Invalid Attribute Value Match",
        `category value must be one of: ["env" "terraform"], got: "${config.category}"`,
        "category",
      );
    }
  },
  planCreate: planReadableValue,
  planUpdate: planReadableValue,
  create(ctx, planned) {
    return ctx.world((world) => {
      const container = containerOf(world, planned);
      const key = str(planned.key) ?? "";
      if (container === null) {
        throw new ProviderError(`Error creating variable ${key}`, "resource not found");
      }
      if (container.vars.some((v) => v.key === key && v.category === planned.category)) {
        throw invalid(
          `Error creating variable ${key}, for ${container.name}`,
          "Key has already been taken",
        );
      }
      const created = newVariable(world, planned);
      container.vars.push(created);
      return variableState(created, planned);
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const found = containerOf(world, state)?.vars.find((v) => v.id === state.id);
      return found === undefined ? null : variableState(found, state);
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((world) => {
      const container = containerOf(world, prior);
      const found = container?.vars.find((v) => v.id === prior.id);
      if (container === null || found === undefined) {
        throw new ProviderError(
          `Error updating variable ${String(prior.id)}`,
          "resource not found",
        );
      }
      const key = str(planned.key) ?? "";
      if (
        container.vars.some((v) => v !== found && v.key === key && v.category === found.category)
      ) {
        throw invalid(`Error updating variable ${String(prior.id)}`, "Key has already been taken");
      }
      assignVariable(found, planned);
      return variableState(found, planned);
    });
  },
  delete(ctx, state) {
    ctx.world((world) => {
      const container = containerOf(world, state);
      if (container === null) return;
      const index = container.vars.findIndex((v) => v.id === state.id);
      if (index >= 0) container.vars.splice(index, 1);
    });
  },
  import(ctx, id) {
    const parts = id.split("/");
    if (parts.length !== 3) {
      throw new ProviderError(
        "Error importing variable",
        `Invalid variable import format: ${id} (expected <ORGANIZATION>/<WORKSPACE NAME|VARIABLE SET ID>/<VARIABLE ID>)`,
      );
    }
    const [organization = "", container = "", variableId = ""] = parts;
    return ctx.world((world) => {
      if (/^varset-[a-zA-Z0-9]+$/.test(container)) {
        return { id: variableId, variable_set_id: container, workspace_id: null };
      }
      const workspace = world.workspaces.find(
        (w) => w.organization === organization && w.name === container,
      );
      if (workspace === undefined) {
        throw new ProviderError(
          "Error importing variable",
          `Couldn't retrieve workspace ${container} from organization ${organization}: resource not found`,
        );
      }
      return { id: variableId, workspace_id: workspace.id, variable_set_id: null };
    });
  },
};

const testVariable: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_test_variable"),
  forceNew: ["category", "key", "organization", "module_name", "module_provider"],
  planCreate: planReadableValue,
  planUpdate: planReadableValue,
  create(ctx, planned) {
    return ctx.world((world) => {
      const organization = str(planned.organization) ?? "";
      const moduleName = str(planned.module_name) ?? "";
      const moduleProvider = str(planned.module_provider) ?? "";
      const key = str(planned.key) ?? "";
      const same = world.testVariables.filter(
        (v) =>
          v.organization === organization &&
          v.moduleName === moduleName &&
          v.moduleProvider === moduleProvider,
      );
      if (same.some((v) => v.key === key)) {
        throw invalid(
          `Error creating variable ${key}, for module: ${moduleName}/${moduleProvider}`,
          "Key has already been taken",
        );
      }
      const created = { ...newVariable(world, planned), organization, moduleName, moduleProvider };
      world.testVariables.push(created);
      return variableState(created, planned);
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const found = world.testVariables.find((v) => v.id === state.id);
      return found === undefined ? null : variableState(found, state);
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((world) => {
      const found = world.testVariables.find((v) => v.id === prior.id);
      if (found === undefined)
        throw new ProviderError("Error updating test variable", "resource not found");
      assignVariable(found, planned);
      return variableState(found, planned);
    });
  },
  delete(ctx, state) {
    ctx.world((world) => {
      world.testVariables = world.testVariables.filter((v) => v.id !== state.id);
    });
  },
  import() {
    throw new ProviderError("Resource Import Not Implemented", "tfe_test_variable has no import");
  },
};

function workspaceState(
  ctx: TfeContext,
  workspace: WorldWorkspace,
  previous: ValueObject,
): ValueObject {
  // The world keeps only names, project and description: other settings read as the API's
  // defaults unless the state holds a value.
  const known = (name: string, fallback: Value): Value => {
    const value = previous[name];
    return value === UNKNOWN || value === undefined || value === null ? fallback : value;
  };
  return {
    ...previous,
    id: workspace.id,
    name: workspace.name,
    organization: workspace.organization,
    project_id: workspace.projectId,
    description: workspace.description,
    agent_pool_id: known("agent_pool_id", null),
    // The legacy SDK's defaults, which the API returns for a workspace that never set them.
    allow_destroy_plan: known("allow_destroy_plan", true),
    auto_apply_run_trigger: known("auto_apply_run_trigger", false),
    file_triggers_enabled: known("file_triggers_enabled", true),
    force_delete: known("force_delete", false),
    queue_all_runs: known("queue_all_runs", true),
    speculative_enabled: known("speculative_enabled", true),
    ssh_key_id: known("ssh_key_id", ""),
    structured_run_output_enabled: known("structured_run_output_enabled", true),
    working_directory: known("working_directory", ""),
    auto_apply: known("auto_apply", false),
    auto_destroy_at: known("auto_destroy_at", null),
    auto_destroy_activity_duration: known("auto_destroy_activity_duration", null),
    execution_mode: known("execution_mode", "remote"),
    global_remote_state: known("global_remote_state", false),
    remote_state_consumer_ids: known("remote_state_consumer_ids", []),
    assessments_enabled: known("assessments_enabled", false),
    operations: known("operations", true),
    tag_names: known("tag_names", []),
    tags: known("tags", {}),
    terraform_version: known("terraform_version", "1.11.4"),
    effective_tags: {},
    html_url: `https://${ctx.hostname}/app/${workspace.organization}/workspaces/${workspace.name}`,
    inherits_project_auto_destroy: true,
    resource_count: 0,
  };
}

const workspaceResource: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_workspace"),
  forceNew: ["organization"],
  legacySdk: {
    defaults: {
      allow_destroy_plan: true,
      auto_apply_run_trigger: false,
      file_triggers_enabled: true,
      force_delete: false,
      queue_all_runs: true,
      speculative_enabled: true,
      ssh_key_id: "",
      structured_run_output_enabled: true,
      working_directory: "",
    },
  },
  create(ctx, planned) {
    return ctx.world((world) => {
      const organization = organizationOf(ctx, planned.organization);
      const name = str(planned.name) ?? "";
      if (world.workspaces.some((w) => w.organization === organization && w.name === name)) {
        throw invalid(
          `Error creating workspace ${name} for organization ${organization}`,
          "Name has already been taken",
        );
      }
      const created: WorldWorkspace = {
        id: nextId(world, "ws"),
        name,
        organization,
        projectId: str(planned.project_id) ?? defaultProjectId(world, organization),
        description: str(planned.description) ?? "",
        vars: [],
      };
      world.workspaces.push(created);
      return workspaceState(ctx, created, planned);
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const found = world.workspaces.find((w) => w.id === state.id);
      return found === undefined ? null : workspaceState(ctx, found, state);
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((world) => {
      const found = world.workspaces.find((w) => w.id === prior.id);
      if (found === undefined)
        throw new ProviderError("Error updating workspace", "resource not found");
      found.name = str(planned.name) ?? found.name;
      found.description = str(planned.description) ?? "";
      if (typeof planned.project_id === "string") found.projectId = planned.project_id;
      return workspaceState(ctx, found, planned);
    });
  },
  delete(ctx, state) {
    ctx.world((world) => {
      world.workspaces = world.workspaces.filter((w) => w.id !== state.id);
    });
  },
  import(ctx, id) {
    return ctx.world((world) => {
      const parts = id.split("/");
      if (parts.length >= 3) {
        throw new ProviderError(
          "Error importing workspace",
          `invalid workspace input format: ${id} (expected <ORGANIZATION>/<WORKSPACE NAME> or <WORKSPACE ID>)`,
        );
      }
      const found =
        parts.length === 2
          ? world.workspaces.find((w) => w.organization === parts[0] && w.name === parts[1])
          : world.workspaces.find((w) => w.id === id);
      if (found === undefined) {
        throw new ProviderError(
          "Error importing workspace",
          `error retrieving workspace with name ${id}: resource not found`,
        );
      }
      return { id: found.id };
    });
  },
};

const variableSet: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_variable_set"),
  forceNew: ["organization", "parent_project_id"],
  legacySdk: { defaults: { global: false, priority: false } },
  create(ctx, planned) {
    return ctx.world((world) => {
      const organization = organizationOf(ctx, planned.organization);
      const name = str(planned.name) ?? "";
      if (world.varsets.some((v) => v.organization === organization && v.name === name)) {
        throw invalid(
          `Error creating variable set ${name}, for organization: ${organization}`,
          "Name has already been taken",
        );
      }
      const created = {
        id: nextId(world, "varset"),
        name,
        organization,
        description: str(planned.description) ?? "",
        global: planned.global === true,
        priority: planned.priority === true,
        ownerProjectId: str(planned.parent_project_id),
        projectIds: [],
        workspaceIds: [],
        vars: [],
      };
      world.varsets.push(created);
      return {
        ...planned,
        id: created.id,
        organization,
        parent_project_id: created.ownerProjectId,
        workspace_ids: [],
      };
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const found = world.varsets.find((v) => v.id === state.id);
      if (found === undefined) return null;
      return {
        ...state,
        name: found.name,
        description: found.description,
        global: found.global,
        priority: found.priority,
        organization: found.organization,
        parent_project_id: found.ownerProjectId,
        workspace_ids: [...found.workspaceIds].sort(),
      };
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((world) => {
      const found = world.varsets.find((v) => v.id === prior.id);
      if (found === undefined)
        throw new ProviderError("Error updating variable set", "resource not found");
      found.name = str(planned.name) ?? found.name;
      found.description = str(planned.description) ?? "";
      found.global = planned.global === true;
      found.priority = planned.priority === true;
      return {
        ...planned,
        workspace_ids:
          planned.workspace_ids === UNKNOWN
            ? [...found.workspaceIds]
            : (planned.workspace_ids ?? null),
      };
    });
  },
  delete(ctx, state) {
    ctx.world((world) => {
      world.varsets = world.varsets.filter((v) => v.id !== state.id);
    });
  },
  import(ctx, id) {
    return ctx.world((world) => {
      if (!world.varsets.some((v) => v.id === id)) {
        throw new ProviderError("Error reading variable set", `${id}: resource not found`);
      }
      return { id };
    });
  },
};

const projectVariableSet: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_project_variable_set"),
  forceNew: ["project_id", "variable_set_id"],
  legacySdk: {},
  create(ctx, planned) {
    return ctx.world((world) => {
      const projectId = str(planned.project_id) ?? "";
      const varset = world.varsets.find((v) => v.id === planned.variable_set_id);
      if (varset === undefined || !world.projects.some((p) => p.id === projectId)) {
        throw new ProviderError(
          `Error applying variable set id ${String(planned.variable_set_id)} to project ${projectId}`,
          "resource not found",
        );
      }
      if (!varset.projectIds.includes(projectId)) varset.projectIds.push(projectId);
      return { ...planned, id: `${projectId}_${varset.id}` };
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const varset = world.varsets.find((v) => v.id === state.variable_set_id);
      return varset?.projectIds.includes(str(state.project_id) ?? "") ? state : null;
    });
  },
  update: (_ctx, _prior, planned) => planned,
  delete(ctx, state) {
    ctx.world((world) => {
      const varset = world.varsets.find((v) => v.id === state.variable_set_id);
      if (varset !== undefined)
        varset.projectIds = varset.projectIds.filter((p) => p !== state.project_id);
    });
  },
  import(ctx, id) {
    // ORGANIZATION/PROJECT_ID/VARIABLE_SET_NAME
    const [organization = "", projectId = "", name = ""] =
      id.split("/", 3).length === 3
        ? [id.split("/")[0], id.split("/")[1], id.split("/").slice(2).join("/")]
        : [];
    return ctx.world((world) => {
      const varset = world.varsets.find(
        (v) =>
          v.organization === organization && v.name === name && v.projectIds.includes(projectId),
      );
      if (varset === undefined) {
        throw new ProviderError(
          "Error importing project variable set",
          `project variable set ${id} not found (expected <ORGANIZATION>/<PROJECT ID>/<VARIABLE SET NAME>)`,
        );
      }
      return { id: `${projectId}_${varset.id}`, project_id: projectId, variable_set_id: varset.id };
    });
  },
};

/**
 * `tfe_aws_oidc_configuration` (plugin framework): created in the organization, updated in place
 * (role_arn), replaced when the organization changes, imported by ID.
 */
const awsOidcConfiguration: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_aws_oidc_configuration"),
  forceNew: ["organization"],
  planCreate(planned) {
    planned.id = UNKNOWN;
  },
  create(ctx, planned) {
    return ctx.world((world) => {
      const organization = organizationOf(ctx, planned.organization);
      const created = {
        id: nextId(world, "awsoidc"),
        organization,
        roleArn: str(planned.role_arn) ?? "",
      };
      world.awsOidcConfigurations.push(created);
      return { ...planned, id: created.id, organization };
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const found = world.awsOidcConfigurations.find((c) => c.id === state.id);
      return found === undefined
        ? null
        : { ...state, role_arn: found.roleArn, organization: found.organization };
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((world) => {
      const found = world.awsOidcConfigurations.find((c) => c.id === prior.id);
      if (found === undefined)
        throw new ProviderError("Error updating TFE AWS OIDC Configuration", "resource not found");
      found.roleArn = str(planned.role_arn) ?? found.roleArn;
      return { ...planned, id: found.id, organization: found.organization };
    });
  },
  delete(ctx, state) {
    ctx.world((world) => {
      world.awsOidcConfigurations = world.awsOidcConfigurations.filter((c) => c.id !== state.id);
    });
  },
  import(ctx, id) {
    return ctx.world((world) => {
      const found = world.awsOidcConfigurations.find((c) => c.id === id);
      if (found === undefined)
        throw new ProviderError(
          "Error reading AWS OIDC configuration",
          `${id}: resource not found`,
        );
      return { id, role_arn: found.roleArn, organization: found.organization };
    });
  },
};

/** `kms_options` as the provider plans it: its attributes default to "". */
function kmsOptions(planned: ValueObject): void {
  const options = planned.kms_options;
  if (options === null || options === undefined || options === UNKNOWN) return;
  const object = options as ValueObject;
  for (const name of ["key_region", "key_location", "key_ring_id"])
    if (object[name] === null || object[name] === undefined) object[name] = "";
}

function hyokState(found: {
  id: string;
  name: string;
  organization: string;
  kekId: string;
  keyRegion: string;
  oidcConfigurationId: string;
  agentPoolId: string;
}): ValueObject {
  return {
    id: found.id,
    name: found.name,
    organization: found.organization,
    kek_id: found.kekId,
    kms_options: { key_region: found.keyRegion, key_location: "", key_ring_id: "" },
    oidc_configuration_id: found.oidcConfigurationId,
    oidc_configuration_type: "aws",
    agent_pool_id: found.agentPoolId,
  };
}

/**
 * `tfe_hyok_configuration` (plugin framework): an AWS configuration needs `kms_options.key_region`
 * (go-tfe's create options check), its OIDC configuration and agent pool must exist; replaced when
 * the organization or the OIDC configuration's type changes; delete is a plain API delete, as the
 * provider's; imported by ID.
 */
const hyokConfiguration: ResourceType<TfeContext> = {
  schema: schemaOf(TFE_SCHEMAS, "resources", "tfe_hyok_configuration"),
  forceNew: ["organization", "oidc_configuration_type"],
  validate(config) {
    const type = config.oidc_configuration_type;
    if (type !== UNKNOWN && !["aws", "gcp", "vault", "azure"].includes(String(type)))
      throw new ProviderError(
        "Invalid Attribute Value Match",
        `oidc_configuration_type ${String(type)}`,
      );
  },
  planCreate(planned) {
    planned.id = UNKNOWN;
    kmsOptions(planned);
  },
  planUpdate(_prior, planned) {
    kmsOptions(planned);
  },
  create(ctx, planned) {
    return ctx.world((world) => {
      const organization = organizationOf(ctx, planned.organization);
      const options = (planned.kms_options ?? {}) as ValueObject;
      const keyRegion = str(options.key_region) ?? "";
      if (keyRegion === "")
        throw new ProviderError("Error creating TFE HYOK Configuration", "key region is required");
      const oidc = world.awsOidcConfigurations.find((c) => c.id === planned.oidc_configuration_id);
      const pool = world.agentPools.find((p) => p.id === planned.agent_pool_id);
      if (oidc === undefined || pool === undefined)
        throw new ProviderError("Error creating TFE HYOK Configuration", "resource not found");
      const created = {
        id: nextId(world, "hyokc"),
        name: str(planned.name) ?? "",
        organization,
        kekId: str(planned.kek_id) ?? "",
        keyRegion,
        oidcConfigurationId: oidc.id,
        agentPoolId: pool.id,
      };
      world.hyokConfigurations.push(created);
      return hyokState(created);
    });
  },
  read(ctx, state) {
    return ctx.world((world) => {
      const found = world.hyokConfigurations.find((c) => c.id === state.id);
      return found === undefined ? null : hyokState(found);
    });
  },
  update(ctx, prior, planned) {
    return ctx.world((world) => {
      const found = world.hyokConfigurations.find((c) => c.id === prior.id);
      if (found === undefined)
        throw new ProviderError("Error updating TFE HYOK Configuration", "resource not found");
      found.name = str(planned.name) ?? found.name;
      found.kekId = str(planned.kek_id) ?? found.kekId;
      found.keyRegion =
        str((planned.kms_options as ValueObject | null)?.key_region) ?? found.keyRegion;
      found.agentPoolId = str(planned.agent_pool_id) ?? found.agentPoolId;
      return hyokState(found);
    });
  },
  delete(ctx, state) {
    ctx.world((world) => {
      world.hyokConfigurations = world.hyokConfigurations.filter((c) => c.id !== state.id);
    });
  },
  import(ctx, id) {
    return ctx.world((world) => {
      const found = world.hyokConfigurations.find((c) => c.id === id);
      if (found === undefined)
        throw new ProviderError("Error reading HYOK configuration", `${id}: resource not found`);
      return hyokState(found);
    });
  },
};

export const tfeProvider: ProviderDefinition<TfeContext> = {
  schema: TFE_SCHEMAS.provider,
  configure(config) {
    const file = tfeWorldFile(worldDir());
    return {
      hostname: str(config.hostname) ?? process.env.TFE_HOSTNAME ?? "app.terraform.io",
      organization: str(config.organization) ?? process.env.TFE_ORGANIZATION ?? null,
      world: (change) => updateWorld(file, emptyTfeWorld, change),
    };
  },
  resources: {
    tfe_aws_oidc_configuration: awsOidcConfiguration,
    tfe_hyok_configuration: hyokConfiguration,
    tfe_project_variable_set: projectVariableSet,
    tfe_test_variable: testVariable,
    tfe_variable: variable,
    tfe_variable_set: variableSet,
    tfe_workspace: workspaceResource,
  },
  dataSources: {
    tfe_agent_pool: {
      schema: schemaOf(TFE_SCHEMAS, "dataSources", "tfe_agent_pool"),
      read(ctx, config) {
        return ctx.world((world) => {
          const organization = organizationOf(ctx, config.organization);
          const name = str(config.name) ?? "";
          const pool = world.agentPools.find(
            (p) => p.organization === organization && p.name === name,
          );
          if (pool === undefined) {
            throw new ProviderError(
              "Error retrieving agent pool",
              `could not find agent pool ${organization}/${name}`,
            );
          }
          return {
            ...config,
            id: pool.id,
            organization_scoped: true,
            allowed_project_ids: [],
            allowed_workspace_ids: [],
            excluded_workspace_ids: [],
          };
        });
      },
    },
    tfe_project: {
      schema: schemaOf(TFE_SCHEMAS, "dataSources", "tfe_project"),
      read(ctx, config) {
        return ctx.world((world) => {
          const organization = organizationOf(ctx, config.organization);
          const name = str(config.name) ?? "";
          const project = world.projects.find(
            (p) => p.organization === organization && p.name === name,
          );
          if (project === undefined) {
            throw new ProviderError(
              "Error retrieving project",
              `could not find project ${organization}/${name}`,
            );
          }
          const workspaces = world.workspaces.filter((w) => w.projectId === project.id);
          return {
            ...config,
            id: project.id,
            organization,
            description: "",
            auto_destroy_activity_duration: null,
            workspace_ids: workspaces.map((w) => w.id).sort(),
            workspace_names: workspaces.map((w) => w.name).sort(),
            effective_tags: {},
          };
        });
      },
    },
    tfe_workspace: {
      schema: schemaOf(TFE_SCHEMAS, "dataSources", "tfe_workspace"),
      read(ctx, config) {
        return ctx.world((world) => {
          const organization = organizationOf(ctx, config.organization);
          const name = str(config.name) ?? "";
          const found = world.workspaces.find(
            (w) => w.organization === organization && w.name === name,
          );
          if (found === undefined) {
            throw new ProviderError(
              "Error retrieving workspace",
              `could not find workspace ${organization}/${name}: resource not found`,
            );
          }
          return {
            ...config,
            id: found.id,
            project_id: found.projectId,
            description: found.description,
            allow_destroy_plan: true,
            apply_duration_average: 0,
            assessments_enabled: false,
            auto_apply: false,
            auto_apply_run_trigger: false,
            auto_destroy_at: null,
            auto_destroy_activity_duration: null,
            created_at: "2026-01-01T00:00:00Z",
            updated_at: "2026-01-01T00:00:00Z",
            environment: "default",
            execution_mode: "remote",
            file_triggers_enabled: true,
            global_remote_state: false,
            html_url: `https://${ctx.hostname}/app/${organization}/workspaces/${name}`,
            hyok_enabled: false,
            inherits_project_auto_destroy: true,
            locked: false,
            operations: true,
            plan_duration_average: 0,
            policy_check_failures: 0,
            queue_all_runs: true,
            remote_state_consumer_ids: [],
            resource_count: 0,
            run_failures: 0,
            runs_count: 0,
            source: "tfe-api",
            source_name: null,
            source_url: null,
            speculative_enabled: true,
            ssh_key_id: "",
            structured_run_output_enabled: true,
            tag_names: config.tag_names ?? [],
            terraform_version: "1.11.4",
            trigger_patterns: [],
            trigger_prefixes: [],
            vcs_repo: [],
            working_directory: "",
            effective_tags: {},
            actions: {},
            permissions: {},
            setting_overwrites: {},
          };
        });
      },
    },
  },
};
