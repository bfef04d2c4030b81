import { spawnSync } from "node:child_process";

/** CLI tests run the built `dist/main.js`; build it once per test run so they see the current code. */
export default function setup(): void {
  const result = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { encoding: "utf8" });
  if (result.status !== 0) process.stderr.write(`tsc reported problems (the type check step reports them too):\n${result.stdout}`);
}
