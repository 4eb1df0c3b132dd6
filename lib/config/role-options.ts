import { quote } from "./quote";
/**
 * Checks for the IAM role options a config may set.
 * Limits: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 * and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
 */

export const MIN_SESSION_DURATION = 3600;
export const MAX_SESSION_DURATION = 43_200;
/** IAM's limit on tags per role. */
export const MAX_TAGS = 50;

export function roleNameProblem(value: string): string | undefined {
  if (!/^[\w+=,.@-]{1,64}$/.test(value)) {
    return `${quote(value)} is not a valid IAM role name; use 1 to 64 letters, digits and + = , . @ _ - (no spaces)`;
  }
  return undefined;
}

export function iamPathProblem(value: string): string | undefined {
  if (value.length > 512 || !/^\/([\x21-\x7e]+\/)*$/.test(value) || value.includes("//")) {
    return `${quote(value)} is not a valid IAM path; it starts and ends with "/", e.g. "/" or "/hcp-terraform/", at most 512 printable characters without spaces`;
  }
  return undefined;
}

export function descriptionProblem(value: string): string | undefined {
  // IAM allows tab, newline, carriage return and Latin-1 printable characters in descriptions.
  if (value.length > 1000 || !/^[\t\n\r\x20-\x7e\xa1-\xff]*$/.test(value)) {
    return `the description is not one IAM accepts: at most 1000 characters, Latin-1 printable (got ${value.length} characters)`;
  }
  return undefined;
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) {
    return `tag key ${quote(key)} is not valid; use 1 to 128 letters, digits, spaces and _ . : / = + - @`;
  }
  if (key.toLowerCase().startsWith("aws:"))
    return `tag key ${quote(key)} uses the prefix "aws:", which AWS reserves`;
  return undefined;
}

export function tagValueProblem(value: string): string | undefined {
  if (value.length > 256 || !TAG_CHARS.test(value)) {
    return `tag value ${quote(value)} is not valid; use up to 256 letters, digits, spaces and _ . : / = + - @`;
  }
  return undefined;
}
