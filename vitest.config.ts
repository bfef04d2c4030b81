import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/build.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Synth-heavy suites hold many constructs; two workers fit the 2-core machine.
    maxWorkers: 2,
  },
});
