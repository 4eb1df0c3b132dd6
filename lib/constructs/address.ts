import {
  TerraformDataSource,
  type TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
} from "cdktf";
import { isTerraformName } from "../plan/naming";

const taken = new WeakMap<TerraformStack, Set<string>>();

/**
 * Pins an element's Terraform address to a name from the plan (`aws_iam_role.roles`) instead of
 * cdktf's default, which hashes the construct path: the address is the key of the resource in the
 * state, so it must not depend on how constructs are nested. Throws if two elements of one stack
 * would share an address. Returns the element.
 */
export function pinAddress<T extends TerraformElement>(element: T, name: string): T {
  if (!isTerraformName(name)) throw new Error(`'${name}' is not a valid Terraform name`);
  const address = `${kindOf(element)}.${name}`;
  const stack = TerraformStack.of(element);
  const addresses = taken.get(stack) ?? new Set<string>();
  taken.set(stack, addresses);
  if (addresses.has(address)) {
    throw new Error(`two elements of stack '${stack.node.id}' would share the address ${address}`);
  }
  addresses.add(address);
  element.overrideLogicalId(name);
  return element;
}

function kindOf(element: TerraformElement): string {
  if (element instanceof TerraformDataSource) return `data.${element.terraformResourceType}`;
  if (element instanceof TerraformResource) return element.terraformResourceType;
  if (element instanceof TerraformOutput) return "output";
  return element.constructor.name;
}
