/** Errors the config can raise. */

/** A config that cannot be used. The message names every problem; no stack trace is needed. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem, each naming the field path, the bad value and the allowed form. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}
