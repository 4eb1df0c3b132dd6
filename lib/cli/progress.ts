/**
 * Runs a step and, when it took longer than a second, says how long: quick steps stay quiet,
 * slow ones are accounted for. With `announce`, the step is also named before it starts, so a
 * long step of a large config says what is happening while it runs (steps here are synchronous:
 * nothing can be printed in the middle of one).
 */
export function withProgress<T>(
  label: string,
  step: () => T,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  now: () => number = () => performance.now(),
  options: { readonly announce?: boolean } = {},
): T {
  if (options.announce) write(`${label}...`);
  const start = now();
  try {
    return step();
  } finally {
    const seconds = (now() - start) / 1000;
    if (seconds > 1 || options.announce) write(`${label}: done in ${seconds.toFixed(1)} s`);
  }
}
