import { createHash } from "node:crypto";

/** The first `length` hex digits of the SHA-256 of a text: a short, stable tag for a name. */
export function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}
