import { TestVariable } from "@cdktf/provider-tfe/lib/test-variable";
import type { Construct } from "constructs";
import type { PlannedHcp, TestVariableTarget } from "../plan/model";
import { PRODUCT } from "../product";
import { literal } from "../terraform-text";
import { pinAddress } from "./address";
import { eachValue, setForEach } from "./each";
import { afterRoles } from "./hcp-variables";

export interface TestVariablesProps {
  readonly hcp: PlannedHcp;
  /** The registry modules whose test variables live in this stack. */
  readonly targets: readonly TestVariableTarget[];
  /** Each role's ARN by key: a literal, or a reference into this stack. */
  readonly roleArns: ReadonlyMap<string, string>;
}

const DESCRIPTION = `AWS dynamic credentials for this module's test runs. Managed by ${PRODUCT}.`;

/**
 * Writes the environment variables of registry modules' test runs (`tfe_test_variable`, one
 * `for_each` resource keyed `module_NAME.PROVIDER_KEY`): test runs read `TFC_AWS_*` from them as
 * workspace runs read their variables. The provider finds the module by organization, name and
 * provider in the private registry (hashicorp/terraform-provider-tfe
 * `internal/provider/resource_tfe_test_variable.go`: `RegistryName: "private"`, namespace = the
 * organization); `env` is the only category it accepts. It has no import, so these variables are
 * never adopted or carried between stacks: a module's variables live in its account's stack.
 * https://developer.hashicorp.com/terraform/cloud-docs/registry/test/dynamic-credentials
 */
export function addTestVariables(scope: Construct, props: TestVariablesProps): void {
  const { hcp, targets, roleArns } = props;
  if (targets.length === 0) return;
  const variables: Record<
    string,
    { key: string; value: string; module_name: string; module_provider: string }
  > = {};
  for (const { key: targetKey, owner, variables: planned } of targets) {
    for (const { key, value } of planned) {
      const text =
        value.kind === "text"
          ? literal(value.text)
          : value.arn !== undefined
            ? literal(value.arn)
            : roleArns.get(value.role);
      if (text === undefined) throw new Error(`${key}: no ARN for role ${value.kind}`);
      variables[`${targetKey}_${key}`] = {
        key,
        value: text,
        module_name: literal(owner.name),
        module_provider: literal(owner.provider),
      };
    }
  }
  const resource = pinAddress(
    new TestVariable(scope, "test-variables", {
      key: eachValue("key"),
      value: eachValue("value"),
      category: "env",
      description: DESCRIPTION,
      organization: literal(hcp.organization),
      moduleName: eachValue("module_name"),
      moduleProvider: eachValue("module_provider"),
    }),
    "modules",
  );
  setForEach(resource, variables);
  afterRoles(resource, roleArns);
}
