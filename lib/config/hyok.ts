/**
 * Hold-your-own-key (HYOK) configurations: an HCP Terraform organization encrypts state and plan
 * data with data encryption keys that an agent wraps and unwraps with a key encryption key (KEK)
 * in AWS KMS, through an IAM role it assumes with the configuration's workload identity token.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/concepts
 *
 * - The token's `sub` is `organization:ORG:hyok_config:NAME`; its audience for AWS is
 *   `aws.workload.identity`; its issuer is always `https://app.terraform.io` (HYOK is an HCP
 *   Terraform feature).
 * - The agent encrypts a data key with KMS `Encrypt` and decrypts it with `Decrypt`.
 * - The agent pool needs request forwarding on at least one agent; agents 1.23.0+ (1.30.0+ for a
 *   multi-Region key).
 */
import { z } from "zod";
import { regionProblem } from "./arns";
import { HYOK } from "./descriptions";
import { checkedString, roleOptionsShape } from "./fields";
import { quote } from "./quote";

const PARTITION = "aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc";
const REGION = "[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}";
/** A key ID (`1234abcd-...`, `mrk-...`), or `*`, which the `hyok-kms-grant-is-narrow` rule refuses without opt-in. */
const KEY_ID = "[A-Za-z0-9-]{1,128}|\\*";
/** An alias name after `alias/`: letters, digits, `/`, `_`, `-`; `*` is taken so the rule can refuse it. */
const ALIAS_NAME = "[A-Za-z0-9/_*-]{1,250}";
const KEY_ARN = new RegExp(`^arn:(${PARTITION}):kms:(${REGION}):(\\d{12}):key/(${KEY_ID})$`);
const ALIAS_ARN = new RegExp(
  `^arn:(${PARTITION}):kms:(${REGION}):(\\d{12}):alias/(${ALIAS_NAME})$`,
);
const BARE_ALIAS = new RegExp(`^alias/(${ALIAS_NAME})$`);

/** A HYOK configuration's name, as HCP Terraform allows it: letters, digits, `-` and `_`. */
const HYOK_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The AWS KMS actions a HYOK role gets unless the entry lists others. */
export const DEFAULT_KMS_ACTIONS: readonly string[] = ["kms:Encrypt", "kms:Decrypt"];

/** The KMS key of a HYOK entry, as given: a key ARN, an alias ARN, or `alias/NAME`. */
export type KmsKeyRef =
  | {
      readonly form: "key";
      readonly partition: string;
      readonly region: string;
      readonly accountId: string;
      readonly keyId: string;
    }
  | {
      readonly form: "alias";
      readonly partition?: string;
      readonly region?: string;
      readonly accountId?: string;
      /** `alias/NAME` */
      readonly alias: string;
    };

export function parseKmsKey(value: string): KmsKeyRef | undefined {
  const key = KEY_ARN.exec(value);
  if (key !== null) {
    const [, partition = "", region = "", accountId = "", keyId = ""] = key;
    return { form: "key", partition, region, accountId, keyId };
  }
  const alias = ALIAS_ARN.exec(value);
  if (alias !== null) {
    const [, partition = "", region = "", accountId = "", name = ""] = alias;
    return { form: "alias", partition, region, accountId, alias: `alias/${name}` };
  }
  const bare = BARE_ALIAS.exec(value);
  if (bare !== null) return { form: "alias", alias: value };
  return undefined;
}

function kmsKeyProblem(value: string): string | undefined {
  const parsed = parseKmsKey(value);
  if (parsed === undefined)
    return `${quote(value)} is not a KMS key; expected a key ARN ("arn:aws:kms:REGION:ACCOUNT:key/KEY_ID"), an alias ARN ("arn:aws:kms:REGION:ACCOUNT:alias/NAME") or an alias ("alias/NAME", with region)`;
  if (parsed.form === "alias" && parsed.alias.startsWith("alias/aws/"))
    return `${quote(value)} is an AWS managed key's alias; HYOK needs a customer managed key whose key policy lets the role use it`;
  return undefined;
}

const KMS_ACTION = /^(kms:[A-Za-z*?]{1,128}|\*)$/;

const kmsActions = z
  .array(z.string())
  .min(1, { error: "kmsActions is empty; leave it out for kms:Encrypt and kms:Decrypt" })
  .max(32, { error: "kmsActions lists at most 32 actions" })
  .superRefine((actions, ctx) => {
    actions.forEach((action, index) => {
      if (!KMS_ACTION.test(action)) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${quote(action)} is not an AWS KMS action; expected "kms:ACTION", e.g. "kms:Encrypt"`,
          input: action,
        });
      } else if (actions.indexOf(action) !== index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${quote(action)} is listed twice; list each action once`,
          input: action,
        });
      }
    });
  })
  .default([...DEFAULT_KMS_ACTIONS]);

/**
 * A HYOK configuration of the organization, its IAM role and the HCP Terraform objects that
 * point to it (`tfe_aws_oidc_configuration`, `tfe_hyok_configuration`). `primary` is not
 * offered: the tfe provider's `tfe_hyok_configuration` has no such argument, so the organization's
 * primary configuration is chosen in HCP Terraform.
 */
export const hyokSchema = z
  .strictObject({
    name: z
      .string()
      .regex(HYOK_NAME, {
        error: "a HYOK configuration's name is 1 to 64 letters, digits, '-' and '_'",
      })
      .meta({ description: HYOK.name }),
    account: z.string().optional().meta({ description: HYOK.account }),
    kmsKey: checkedString(kmsKeyProblem).meta({ description: HYOK.kmsKey }),
    region: checkedString(regionProblem).optional().meta({ description: HYOK.region }),
    agentPool: z
      .string()
      .regex(/^[A-Za-z0-9_-][A-Za-z0-9 _.-]{0,127}$/, {
        error: "an agent pool's name is 1 to 128 letters, digits, spaces, '-', '_' and '.'",
      })
      .meta({ description: HYOK.agentPool }),
    kmsActions: kmsActions.meta({ description: HYOK.kmsActions }),
    allowKmsWildcards: z.boolean().default(false).meta({ description: HYOK.allowKmsWildcards }),
    retired: z.boolean().default(false).meta({ description: HYOK.retired }),
    ...roleOptionsShape,
  })
  .superRefine((entry, ctx) => {
    const key = parseKmsKey(entry.kmsKey);
    if (key === undefined) return;
    if (key.region === undefined && entry.region === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["region"],
        message: `hyok ${quote(entry.name)}: kmsKey ${quote(entry.kmsKey)} is an alias, so give the key's region (HCP Terraform needs it, and IAM grants by alias per region)`,
        input: undefined,
      });
    } else if (
      key.region !== undefined &&
      entry.region !== undefined &&
      key.region !== entry.region
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["region"],
        message: `hyok ${quote(entry.name)}: region ${quote(entry.region)} differs from the region of kmsKey (${quote(key.region)}); leave region out or make them equal`,
        input: entry.region,
      });
    }
  });

export type HyokConfig = z.output<typeof hyokSchema>;
