// Preloaded into a benchmarked process: records its peak resident memory and CPU time
// (user and system, every thread of the process) on exit, as JSON.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const usage = process.resourceUsage();
  writeFileSync(
    process.env.BENCH_RSS_FILE,
    JSON.stringify({ maxRSS: usage.maxRSS * 1024, userSeconds: usage.userCPUTime / 1e6, systemSeconds: usage.systemCPUTime / 1e6 }),
  );
});
