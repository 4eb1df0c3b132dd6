/**
 * The live state cannot be checked: bad or missing credentials, an unreachable host, a token
 * without a needed permission. Commands exit with status 2 and print the message, which names the
 * object and what is missing, and never holds a token, key or variable value.
 */
export class CannotCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CannotCheckError";
  }
}

/** A network error's code (`ECONNREFUSED`, `ENOTFOUND`, ...), found on the error or its causes. */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
