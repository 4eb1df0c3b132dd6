/**
 * Preloaded into each benchmarked process (`node --require`): reports the process's peak memory
 * on stderr when it exits, so the benchmark needs no external tool.
 */
process.on("exit", () => {
  process.stderr.write(`\nbench-probe maxrss-kb=${process.resourceUsage().maxRSS}\n`);
});
