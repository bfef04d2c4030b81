import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli, treeHashes } from "../helpers/cli.js";

/**
 * The same config synthesizes byte-identical output whatever the machine's locale, the
 * order of declarations that carry no meaning, and the number of synth workers. Each
 * run is a child process, so the locale reaches ICU as it does on a user's machine.
 */

const tmp = mkdtempSync(join(tmpdir(), "baseline-determinism-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Estonian collation sorts `z` between `s` and `t`: `zeta` before `tau`, unlike code-point order. */
const LOCALES = ["C.UTF-8", "et_EE.UTF-8"] as const;

function synth(config: string, out: string, locale: string, workers: number): Record<string, string> {
  const result = runCli(["synth", "--config", config, "--out", out, "--quiet"], { LC_ALL: locale, LANG: locale, BASELINE_SYNTH_WORKERS: String(workers) });
  expect(result.status, result.stderr).toBe(0);
  return treeHashes(out);
}

/** Two roles of `app` using `shared`'s key across accounts, through different services. */
function crossAccountKeyConfig(order: "tau-first" | "zeta-first"): string {
  const grant = (via: string, access: string) => ({ keys: [{ key: { account: "shared", name: "data" }, via: [via], access }] });
  const roles = [
    { name: "tau", kind: "service", services: ["lambda.amazonaws.com"], grants: grant("s3", "decrypt") },
    { name: "zeta", kind: "service", services: ["lambda.amazonaws.com"], grants: grant("sqs", "encrypt") },
  ];
  const accounts = [
    { id: "111111111111", name: "shared", role: "shared", environment: "shared", ou: "/", keys: [{ name: "data" }] },
    { id: "222222222222", name: "app", role: "workload", environment: "prod", ou: "/", roles: order === "tau-first" ? roles : [...roles].reverse() },
  ];
  const path = join(tmp, `${order}.yaml`);
  writeFileSync(
    path,
    stringify({
      organization: { id: "o-abc123defg", name: "Test Org" },
      defaults: { regions: ["eu-west-1"] },
      permissionBoundary: { name: "test-boundary" },
      backend: { type: "s3", bucket: "test-tfstate", region: "eu-west-1" },
      compliance: { config: { rules: { mode: "account" } } },
      accounts: order === "tau-first" ? accounts : [...accounts].reverse(),
    }),
  );
  return path;
}

describe("deterministic synthesis", () => {
  it("runs the child processes under the locales it names (Node's ICU follows LC_ALL)", () => {
    for (const locale of LOCALES) {
      const probe = spawnSync(process.execPath, ["-e", "process.stdout.write(['tau', 'zeta'].sort((a, b) => a.localeCompare(b)).join(' '))"], {
        encoding: "utf8",
        env: { ...process.env, LC_ALL: locale, LANG: locale },
      });
      expect(probe.stdout).toBe(locale.startsWith("et") ? "zeta tau" : "tau zeta");
    }
  });

  it("gives the example byte-identical output under two locales and one or three workers", () => {
    const c = synth("config/org.yaml", join(tmp, "example-c"), "C.UTF-8", 1);
    const et = synth("config/org.yaml", join(tmp, "example-et"), "et_EE.UTF-8", 3);
    expect(et).toEqual(c);
  });

  it("gives a cross-account key grant byte-identical output whatever the locale and the order of roles and accounts", () => {
    const first = synth(crossAccountKeyConfig("tau-first"), join(tmp, "tau-c"), "C.UTF-8", 1);
    const shuffled = synth(crossAccountKeyConfig("zeta-first"), join(tmp, "zeta-et"), "et_EE.UTF-8", 3);
    expect(Object.keys(first)).toContain("stacks/shared-eu-west-1/cdk.tf.json");
    expect(shuffled).toEqual(first);
  });
});
