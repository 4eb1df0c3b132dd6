import { DataTfeVariableSet } from "@cdktf/provider-tfe/lib/data-tfe-variable-set";
import { DataTfeVariables } from "@cdktf/provider-tfe/lib/data-tfe-variables";
import { DataTfeWorkspace } from "@cdktf/provider-tfe/lib/data-tfe-workspace";
import { TerraformLocal, type TerraformStack } from "cdktf";
import {
  departedAddress,
  parseVariableRef,
  RESOURCES,
  type ResourceName,
  variableSetName,
  whyNotImportable,
} from "../plan/members";
import type { Relocation } from "../plan/model";
import { projectKey, workspaceKey } from "../plan/naming";
import { literal } from "../terraform-text";
import { pinAddress } from "./address";
import { eachValue, setForEach } from "./each";

/**
 * Moves members between stacks without destroying them (returns the joining stack's imports,
 * to be written with {@link addImports}): the stack they leave forgets them
 * (`removed` with `destroy = false`), the stack they join imports them.
 *
 * `removed` blocks may not name a resource instance (`aws_iam_role.roles["k"]`), so the leaving
 * stack first moves the instance to an address of its own that the configuration does not
 * declare, and forgets that one: the workaround Terraform's maintainers describe, which plans
 * as "will no longer be managed" with nothing destroyed.
 * https://github.com/hashicorp/terraform/issues/34439
 * https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
 * An `import` block whose object is already in the state is a no-op, so the joining stack may be
 * deployed before or after the leaving one, and again.
 * https://developer.hashicorp.com/terraform/language/import
 */
export function addCarryover(
  stack: TerraformStack,
  organization: string,
  leaving: readonly Relocation[],
  joining: readonly Relocation[],
  forgotten: ReadonlyArray<{ readonly resource: ResourceName; readonly key: string }> = [],
): ImportBlock[] {
  // The plan never carries these (it has them destroyed and created again): forgetting one would
  // leave it live, and its import would fail or read another object.
  for (const r of [...leaving, ...joining]) {
    const why = whyNotImportable(r.resource, r.ref);
    if (why !== undefined)
      throw new Error(
        `${r.resource}["${r.key}"] cannot be carried from ${r.from} to ${r.to}: ${why}`,
      );
  }
  // Forgotten for good (a retired HYOK configuration) the same way as members that leave.
  const forgets = [...leaving, ...forgotten];
  if (forgets.length > 0) {
    const departed = (r: { resource: ResourceName; key: string }) =>
      departedAddress(r.resource, r.key);
    stack.addOverride(
      "moved",
      forgets.map((r) => ({ from: `${r.resource}["${r.key}"]`, to: departed(r) })),
    );
    stack.addOverride(
      "removed",
      forgets.map((r) => ({ from: departed(r), lifecycle: [{ destroy: false }] })),
    );
  }
  if (joining.length === 0) return [];
  const org = literal(organization);
  const imports: ImportBlock[] = [];
  const variables: Record<string, { owner: string; key: string; prefix: string }> = {};
  const workspaces = new Set<string>();
  const sets = new Map<string, string>();
  for (const r of joining) {
    const to = `${r.resource}["${r.key}"]`;
    switch (r.resource as ResourceName) {
      case RESOURCES.role:
      case RESOURCES.attachment:
      case RESOURCES.inline:
        imports.push({ to, id: literal(r.ref) });
        break;
      case RESOURCES.workspace:
        imports.push({ to, id: `${org}/${literal(r.ref)}` });
        break;
      case RESOURCES.variableSet:
        sets.set(r.key, r.ref);
        imports.push({ to, id: `\${data.tfe_variable_set.carried["${r.key}"].id}` });
        break;
      case RESOURCES.projectVariableSet:
        imports.push({
          to,
          id: `${org}/\${data.tfe_project.projects["${r.key}"].id}/${literal(variableSetName(r.ref))}`,
        });
        break;
      case RESOURCES.variable: {
        // `workspace:NAME:KEY` or `set:PROJECT:KEY`; the variable's ID is found by its key at plan time.
        const { kind, owner: name, key } = parseVariableRef(r.ref);
        if (kind === "workspace") {
          workspaces.add(name);
          variables[r.key] = { owner: workspaceKey(name), key, prefix: `${org}/${literal(name)}` };
        } else {
          const setKey = projectKey(name);
          sets.set(setKey, variableSetName(name));
          variables[r.key] = {
            owner: setKey,
            key,
            prefix: `${org}/\${data.tfe_variable_set.carried["${setKey}"].id}`,
          };
        }
        break;
      }
    }
  }
  const lookups: Record<string, { workspace_id: string | null; variable_set_id: string | null }> =
    {};
  if (workspaces.size > 0) {
    setForEach(
      pinAddress(
        new DataTfeWorkspace(stack, "carried-workspaces", {
          name: "${each.key}",
          organization: org,
        }),
        "carried",
      ),
      Object.fromEntries([...workspaces].map((w) => [w, {}])),
    );
    for (const w of workspaces)
      lookups[workspaceKey(w)] = {
        workspace_id: `\${data.tfe_workspace.carried["${w}"].id}`,
        variable_set_id: null,
      };
  }
  if (sets.size > 0) {
    setForEach(
      pinAddress(
        new DataTfeVariableSet(stack, "carried-sets", {
          name: eachValue("name"),
          organization: org,
        }),
        "carried",
      ),
      Object.fromEntries([...sets].map(([key, name]) => [key, { name: literal(name) }])),
    );
    for (const key of sets.keys())
      lookups[key] = {
        workspace_id: null,
        variable_set_id: `\${data.tfe_variable_set.carried["${key}"].id}`,
      };
  }
  if (Object.keys(variables).length > 0) {
    setForEach(
      pinAddress(
        new DataTfeVariables(stack, "carried-variables", {
          workspaceId: eachValue("workspace_id"),
          variableSetId: eachValue("variable_set_id"),
        }),
        "carried",
      ),
      lookups,
    );
    pinAddress(
      new TerraformLocal(stack, "carried-variables-local", variables),
      "carried_variables",
    );
    // Only the variables that still exist are imported; a missing one is simply created.
    imports.push({
      for_each:
        "${{ for k, v in local.carried_variables : k => v if length([for x in data.tfe_variables.carried[v.owner].env : x if x.name == v.key]) > 0 }}",
      to: `${RESOURCES.variable}[each.key]`,
      id: "${each.value.prefix}/${one([for x in data.tfe_variables.carried[each.value.owner].env : x.id if x.name == each.value.key])}",
    });
  }
  return imports;
}

/** A Terraform `import` block, as written to the stack's JSON. */
export interface ImportBlock {
  readonly to: string;
  readonly id: string;
  readonly for_each?: string;
}

/**
 * Writes a stack's `import` blocks at once: cdktf replaces an override set twice, so every
 * source of imports (carry-over, adoption) hands its blocks here.
 */
export function addImports(stack: TerraformStack, imports: readonly ImportBlock[]): void {
  if (imports.length > 0) stack.addOverride("import", imports);
}

/** The import blocks of objects adopted in place: their IDs are config-side text, written literally. */
export function adoptedImports(
  targets: ReadonlyArray<{ readonly to: string; readonly id: string }>,
): ImportBlock[] {
  return targets.map((target) => ({ to: target.to, id: literal(target.id) }));
}
