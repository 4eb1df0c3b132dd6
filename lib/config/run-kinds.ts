/**
 * The entries for runs that are not workspace runs: HCP Terraform Stacks deployments and private
 * registry module test runs. Each kind has its own `sub` and its own way of receiving a role.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens
 */
import { z } from "zod";
import { MODULE, STACK, WORKSPACE } from "./descriptions";
import { checkedString, permissionsShape, roleOptionsShape } from "./fields";
import { checkGrant } from "./grants";
import { MAX_DEPLOYMENTS } from "./limits";
import {
  DEPLOYMENT_NAME,
  MODULE_NAME,
  moduleProviderProblem,
  nameProblem,
  PROJECT_NAME,
  STACK_NAME,
} from "./names";
import { quote } from "./quote";

/** `deployments: any`: one role for every deployment of the Stack. */
export const ANY_DEPLOYMENT = "any";

const DEPLOYMENTS_FORM = `give a list of 1 to ${MAX_DEPLOYMENTS} deployment names (the labels of the deployment blocks in .tfdeploy.hcl), or ${quote(ANY_DEPLOYMENT)} for one role admitting every deployment`;

const deploymentsSchema = z
  .union(
    [
      z.literal(ANY_DEPLOYMENT),
      z
        .array(z.string())
        .min(1, { error: DEPLOYMENTS_FORM })
        .max(MAX_DEPLOYMENTS, { error: DEPLOYMENTS_FORM }),
    ],
    { error: DEPLOYMENTS_FORM },
  )
  .superRefine((value, ctx) => {
    if (value === ANY_DEPLOYMENT) return;
    value.forEach((name, index) => {
      const problem = nameProblem(name, DEPLOYMENT_NAME);
      const first = value.indexOf(name);
      if (problem !== undefined) {
        ctx.addIssue({ code: "custom", path: [index], message: problem, input: name });
      } else if (first !== index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `deployment ${quote(name)} is listed twice (also at deployments[${first}]); list each once`,
          input: name,
        });
      }
    });
  })
  .meta({ description: STACK.deployments });

/**
 * `plan:` / `apply:` on a Stack: refused with the reason. A deployment's `inputs` pass one role ARN
 * to its AWS provider, which every operation of the deployment uses; nothing in `.tfdeploy.hcl`
 * picks a role by operation, so a plan role or an apply role would never be the one assumed.
 * https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate
 */
const notForStacks = z
  .unknown()
  .superRefine((value, ctx) => {
    ctx.addIssue({
      code: "custom",
      message:
        "a Stack deployment passes one role ARN to its AWS provider for every operation (the inputs of its deployment block in .tfdeploy.hcl), so a plan/apply split could not be used: give the deployment's policyArns and inlinePolicy at the entry level",
      input: value,
    });
  })
  .transform((): undefined => undefined);

/**
 * The role options a Stack entry takes: all but `roleName`, since the entry makes one role per
 * deployment and a name names one role.
 */
const { roleName: _, ...stackRoleOptions } = roleOptionsShape;

/**
 * A Stack whose deployments get AWS roles. Stacks do not read `TFC_AWS_*` variables: each
 * deployment's `inputs` in `.tfdeploy.hcl` pass a role ARN and an `identity_token` to the AWS
 * provider, so every operation of a deployment (plan and apply) uses the one role it is given.
 * https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate
 */
export const stackSchema = z
  .strictObject({
    name: checkedString((v) => nameProblem(v, STACK_NAME)).meta({ description: STACK.name }),
    project: checkedString((v) => nameProblem(v, PROJECT_NAME)).meta({
      description: STACK.project,
    }),
    deployments: deploymentsSchema,
    account: z.string().optional().meta({ description: STACK.account }),
    allowAdmin: z.boolean().default(false).meta({ description: WORKSPACE.allowAdmin }),
    ...permissionsShape,
    plan: notForStacks.optional().meta({ description: STACK.phases }),
    apply: notForStacks.optional().meta({ description: STACK.phases }),
    ...stackRoleOptions,
  })
  .superRefine((stack, ctx) =>
    checkGrant(
      { policyArns: stack.policyArns, inlinePolicy: stack.inlinePolicy },
      ctx,
      `stack ${quote(stack.name)}`,
      true,
    ),
  );

/**
 * A private registry module whose test runs get an AWS role, set as the module's test variables.
 * A test run has one operation (`test_run`), so there is no plan/apply split.
 * https://developer.hashicorp.com/terraform/cloud-docs/registry/test/dynamic-credentials
 */
export const moduleSchema = z
  .strictObject({
    name: checkedString((v) => nameProblem(v, MODULE_NAME)).meta({ description: MODULE.name }),
    provider: checkedString(moduleProviderProblem).meta({ description: MODULE.provider }),
    subjectName: checkedString((v) => nameProblem(v, MODULE_NAME))
      .optional()
      .meta({ description: MODULE.subjectName }),
    account: z.string().optional().meta({ description: MODULE.account }),
    allowAdmin: z.boolean().default(false).meta({ description: WORKSPACE.allowAdmin }),
    ...permissionsShape,
    ...roleOptionsShape,
  })
  .superRefine((module, ctx) =>
    checkGrant(module, ctx, `module ${quote(`${module.name}/${module.provider}`)}`, true),
  );

/**
 * The MODULE part of a test run's `sub`. HashiCorp's guide shows the repository form
 * (`organization:my-org:module:terraform-aws-vpc:operation:test_run`); the exact form is matched,
 * never a wildcard, and `subjectName` corrects it if real tokens differ.
 * https://developer.hashicorp.com/terraform/cloud-docs/registry/test/dynamic-credentials#subject-claim-format
 */
export function moduleSubjectName(module: {
  readonly name: string;
  readonly provider: string;
  readonly subjectName?: string | undefined;
}): string {
  return module.subjectName ?? `terraform-${module.provider}-${module.name}`;
}
