import {
  TerraformDataSource,
  type TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
} from "cdktf";
import { shortHash } from "./hash";

const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const taken = new WeakMap<TerraformStack, Set<string>>();

/**
 * A Terraform name from free text: unchanged when it is already a valid name, else the allowed
 * characters followed by a hash of the text, so different texts never share a name.
 */
export function terraformName(text: string): string {
  if (TERRAFORM_NAME.test(text)) return text;
  const hash = shortHash(text, 8);
  const readable = text.replace(/[^A-Za-z0-9_-]/g, "_").replace(/^(?=[0-9-])/, "_");
  return `${readable}_${hash}`;
}

/**
 * Fixes an element's Terraform address to a name derived from config names (for example
 * `aws_iam_role.ws_networking-prod`), instead of cdktf's default, which hashes the construct
 * path. The address is the key of the resource in the state: it must not depend on list order
 * or on how constructs are nested, so that refactoring never replaces a live role.
 * Throws if two elements of one stack would share an address.
 */
export function fixAddress(element: TerraformElement, name: string): void {
  if (!TERRAFORM_NAME.test(name)) {
    throw new Error(`'${name}' is not a valid Terraform name (expected ${TERRAFORM_NAME})`);
  }
  const address = `${kindOf(element)}.${name}`;
  const stack = TerraformStack.of(element);
  const addresses = taken.get(stack) ?? new Set<string>();
  taken.set(stack, addresses);
  if (addresses.has(address)) {
    throw new Error(`two elements of stack '${stack.node.id}' would share the address ${address}`);
  }
  addresses.add(address);
  element.overrideLogicalId(name);
}

function kindOf(element: TerraformElement): string {
  if (element instanceof TerraformDataSource) return `data.${element.terraformResourceType}`;
  if (element instanceof TerraformResource) return element.terraformResourceType;
  if (element instanceof TerraformOutput) return "output";
  return element.constructor.name;
}
