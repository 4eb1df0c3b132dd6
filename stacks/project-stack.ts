import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAwsProvider } from "../lib/constructs/aws-provider";
import { applyBackend } from "../lib/constructs/backend";
import { addCarryover, addImports, adoptedImports } from "../lib/constructs/carryover";
import { addHcpVariables, addOrganizationPin } from "../lib/constructs/hcp-variables";
import { addHyokConfigurations } from "../lib/constructs/hyok";
import { HcpOidcProvider } from "../lib/constructs/oidc-provider";
import { addWorkspaceRoles } from "../lib/constructs/roles";
import { addTestVariables } from "../lib/constructs/test-variables";
import type { ImportTarget } from "../lib/live/adoption-addresses";
import { hyokOf, RESOURCES } from "../lib/plan/members";
import type { PlannedAccount, PlannedHcp, PlannedStack, Relocation } from "../lib/plan/model";
import type { Pins } from "../lib/plan/pins";
import { isHcpVariableTarget, isTestVariableTarget } from "../lib/plan/variables";
import { literal } from "../lib/terraform-text";

export interface ProjectStackProps {
  readonly hcp: PlannedHcp;
  readonly account: PlannedAccount;
  /** The stack's roles, variables and backend, from the plan. */
  readonly stack: PlannedStack;
  /** Members on their way between stacks: this one forgets those it leaves, imports those it joins. */
  readonly relocations: readonly Relocation[];
  /** Objects that exist already, imported in place (from the adoption file). */
  readonly imports: readonly ImportTarget[];
  /** The pinned IDs (`trust.pins.json`), checked by the lookups. @default - none */
  readonly pins?: Pins;
}

/**
 * The roles of one account and one project (or one bucket of a project), and the HCP Terraform
 * variables of the workspaces, projects and registry modules whose first role is here. The roles
 * of a project's Stacks live here too; Stacks take their roles from `.tfdeploy.hcl`, not variables.
 */
export class ProjectStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ProjectStackProps) {
    super(scope, id);
    const { hcp, account, stack } = props;
    addAwsProvider(this, account);
    // An emptied stack still configures its providers: its deploy destroys what its state holds.
    new TfeProvider(this, "tfe", { hostname: literal(hcp.hostname) });
    // Members on their way to another stack are declared here too, until that stack holds them
    // (`lib/plan/lock.ts`): the same resources, keys and values.
    const roles = [...stack.roles, ...(stack.kept?.roles ?? [])];
    const targets = [...stack.targets, ...(stack.kept?.targets ?? [])];
    if (roles.length > 0) {
      const provider =
        account.oidcProviderArn !== undefined
          ? HcpOidcProvider.fromArn(account.oidcProviderArn)
          : HcpOidcProvider.inAccountOf(this, hcp.hostname);
      const roleArns = addWorkspaceRoles(this, { hcp, roles, provider });
      addOrganizationPin(this, hcp, props.pins);
      addHcpVariables(this, {
        hcp,
        targets: targets.filter(isHcpVariableTarget),
        roleArns,
        guardCreated: stack.guardsCreated === true,
        ...(props.pins === undefined ? {} : { pins: props.pins }),
      });
      addTestVariables(this, {
        hcp,
        targets: targets.filter(isTestVariableTarget),
        roleArns,
      });
      addHyokConfigurations(this, {
        hcp,
        configurations: hyokOf(stack),
        guard: stack.guardsHyok === true,
      });
    } else {
      // Emptied, but its state may still hold created workspaces or HYOK configurations: keep
      // them guarded.
      if (stack.guardsCreated === true)
        addHcpVariables(this, { hcp, targets: [], roleArns: new Map(), guardCreated: true });
      if (stack.guardsHyok === true)
        addHyokConfigurations(this, { hcp, configurations: [], guard: true });
    }
    const carried = addCarryover(
      this,
      hcp.organization,
      props.relocations.filter((r) => r.from === id && r.phase === "forget"),
      props.relocations.filter((r) => r.to === id && r.imports),
      (stack.retiredHyok ?? []).flatMap((key) => [
        { resource: RESOURCES.hyokConfiguration, key },
        { resource: RESOURCES.hyokOidcConfiguration, key },
      ]),
    );
    const carriedTo = new Set(carried.map((block) => block.to));
    addImports(this, [
      ...carried,
      ...adoptedImports(props.imports.filter((target) => !carriedTo.has(target.to))),
    ]);
    applyBackend(this, stack.backend);
  }
}
