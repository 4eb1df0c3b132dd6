/**
 * Runs a step, and says so on stderr if it takes longer than a second: quick steps stay quiet,
 * slow ones show they are working and how long they took.
 */
export function withProgress<T>(
  label: string,
  step: () => T,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): T {
  const start = performance.now();
  let announced = false;
  const timer = setTimeout(() => {
    announced = true;
    write(`${label}...`);
  }, 1000);
  // A synchronous step blocks the timer; check the clock too.
  try {
    return step();
  } finally {
    clearTimeout(timer);
    const seconds = (performance.now() - start) / 1000;
    if (announced || seconds > 1) write(`${label}: done in ${seconds.toFixed(1)} s`);
  }
}
