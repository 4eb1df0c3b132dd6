/**
 * Runs a step and, when it took longer than a second, says how long on stderr: quick steps stay
 * quiet, slow ones are accounted for. Steps here are synchronous, so the report comes at the end.
 */
export function withProgress<T>(
  label: string,
  step: () => T,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  now: () => number = () => performance.now(),
): T {
  const start = now();
  try {
    return step();
  } finally {
    const seconds = (now() - start) / 1000;
    if (seconds > 1) write(`${label}: done in ${seconds.toFixed(1)} s`);
  }
}
