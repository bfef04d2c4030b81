import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Snapshot } from "../../reports/snapshot.js";
import { runCli } from "../helpers/cli.js";
import { writeAwsCliExports } from "./fake-aws/export-cli.js";
import { expectedScores, expectedSecurityHub, generateOrg } from "./fake-aws/org.js";
import { startFakeAws, type FakeAws } from "./fake-aws/server.js";
import { currentSnapshot, DECLARED_YAML, previousSnapshot } from "./model-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "report-command-"));
const file = (name: string) => join(dir, name);
const readJson = (name: string) => JSON.parse(readFileSync(file(name), "utf8"));

/** The fixture without anything unreadable: a complete read. */
function completeSnapshot(): Snapshot {
  const snap = currentSnapshot();
  snap.gaps = [];
  snap.cells = snap.cells.filter((c) => c.status !== "NO_DATA");
  return snap;
}

beforeAll(() => {
  writeFileSync(file("complete.json"), JSON.stringify(completeSnapshot()));
  writeFileSync(file("partial.json"), JSON.stringify(currentSnapshot()));
  writeFileSync(file("previous.json"), JSON.stringify(previousSnapshot()));
  writeFileSync(file("org.yaml"), DECLARED_YAML);
});

describe("baseline report: outputs", () => {
  it("writes HTML, JSON, CSV and Markdown from a snapshot and prints a summary", () => {
    const r = runCli([
      "report",
      "--from-snapshot",
      file("complete.json"),
      "--previous",
      file("previous.json"),
      "--config",
      file("org.yaml"),
      "--html",
      file("out/scorecard.html"),
      "--json",
      file("out/scorecard.json"),
      "--csv",
      file("out/scorecard.csv"),
      "--markdown",
      file("out/scorecard.md"),
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // Without the unreadable cell: 6 compliant / (6 + 4).
    expect(r.stdout).toContain("Config score 60.0% (−6.7 since 2026-11-13 10:00 UTC) · Security Hub CSPM score 50.0%");
    expect(r.stdout).toContain("5 accounts (4 reporting, 3 with failures) · 3 rules · 2 regions · 3 non-compliant resources");
    expect(r.stdout).toContain(`wrote ${file("out/scorecard.html")}`);
    const json = readJson("out/scorecard.json");
    expect(json.score).toEqual({ overall: 60, securityHub: 50 });
    expect(json.trend.overall.delta).toBe(-6.7);
    expect(json.declared.accountsNotReporting.map((a: { accountId: string }) => a.accountId)).toEqual(["666666666666"]);
    const html = readFileSync(file("out/scorecard.html"), "utf8");
    expect(html).toContain("<title>Compliance scorecard: Example · 60.0%</title>");
    // The HTML names the JSON next to it, relative to itself.
    expect(html).toContain("<code>scorecard.json</code>");
    expect(readFileSync(file("out/scorecard.csv"), "utf8").split("\r\n")).toHaveLength(5);
    expect(readFileSync(file("out/scorecard.md"), "utf8")).toContain("Compliance scorecard: 60.0%");
    expect(readdirSync(file("out")).sort()).toEqual(["scorecard.csv", "scorecard.html", "scorecard.json", "scorecard.md"]);
  });

  it("saves a snapshot that renders to the same numbers", () => {
    expect(runCli(["report", "--from-snapshot", file("complete.json"), "--save-snapshot", file("saved/again.json"), "--json", file("a.json")]).status).toBe(0);
    expect(runCli(["report", "--from-snapshot", file("saved/again.json"), "--json", file("b.json")]).status).toBe(0);
    expect(readFileSync(file("b.json"), "utf8")).toBe(readFileSync(file("a.json"), "utf8"));
  });
});

describe("baseline report: exit codes", () => {
  it("0 when the gate is met and everything was read, even with account-regions that report nothing", () => {
    const r = runCli(["report", "--from-snapshot", file("complete.json"), "--fail-under", "60"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("coverage: 6 account-regions reporting · 2 not reporting (no evaluations although every read succeeded");
    expect(r.stdout).toContain("could not read: nothing, every read succeeded");
  });

  it("2 when the Config score is below --fail-under, with the reason on stderr", () => {
    const r = runCli(["report", "--from-snapshot", file("complete.json"), "--fail-under", "60.1", "--json", file("gate.json")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("gate failed: Config score 60.0% is below the required 60.1%");
    // The report is still written: the pipeline shows it.
    expect(existsSync(file("gate.json"))).toBe(true);
  });

  it("3 when the report was written but some data could not be read", () => {
    const r = runCli(["report", "--from-snapshot", file("partial.json"), "--json", file("partial-out.json")]);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain("could not read: 2 reads failed, 1 cells unreadable");
    expect(readJson("partial-out.json").score.overall).toBe(60);
  });

  it("2 when a framework's score is below its --fail-under; every gate must hold", () => {
    // The catalog's NIST view of the fixture: AC-6 fails on Security Hub CSPM IAM.1, the rest has no data.
    const r = runCli(["report", "--from-snapshot", file("complete.json"), "--fail-under", "50", "--fail-under", "nist-800-53=1"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("gate failed: NIST SP 800-53 Rev. 5 score 0.0% is below the required 1%");
    expect(r.stderr).not.toContain("Config score");
    expect(runCli(["report", "--from-snapshot", file("complete.json"), "--fail-under", "50", "--fail-under", "nist-800-53=0"]).status).toBe(0);
  });

  it("2 takes precedence over 3", () => {
    expect(runCli(["report", "--from-snapshot", file("partial.json"), "--fail-under", "90"]).status).toBe(2);
  });

  it("2 when there is no counted cell at all: no score never passes a gate", () => {
    const empty = { ...completeSnapshot(), cells: [], resources: [] };
    writeFileSync(file("empty.json"), JSON.stringify(empty));
    expect(runCli(["report", "--from-snapshot", file("empty.json"), "--fail-under", "0"]).status).toBe(2);
  });

  it.each([
    [["report"], "give exactly one input"],
    [["report", "--from-snapshot", "x.json", "--from-aws-cli", "dir"], "give exactly one input"],
    [["report", "--aggregator", "agg"], "--aggregator needs --region"],
    [["report", "--from-snapshot", "x.json", "--region", "eu-west-1"], "--region only apply with --aggregator"],
    [["report", "--from-snapshot", "missing.json"], "missing.json: cannot read snapshot"],
    [["report", "--from-snapshot", "x.json", "--fail-under", "high"], "expected a percentage from 0 to 100"],
    [["report", "--from-snapshot", "x.json", "--fail-under", "101"], "expected a percentage from 0 to 100"],
    [["report", "--from-snapshot", "x.json", "--security-hub", "v2"], "--security-hub only apply with --aggregator"],
    [["report", "--from-snapshot", "x.json", "--max-concurrency", "2"], "--max-concurrency only apply with --aggregator"],
    [["report", "--aggregator", "a", "--region", "eu-west-1", "--max-concurrency", "0"], "expected a whole number of requests from 1 to 64"],
    [["report", "--aggregator", "a", "--region", "eu-west-1", "--security-hub", "v3"], "Allowed choices are cspm, v2"],
    [["report", "--from-snapshot", "x.json", "--max-detail-calls", "0"], "--max-detail-calls only apply with --aggregator"],
    [["report", "--aggregator", "a", "--region", "eu-west-1", "--max-detail-calls", "1.5"], "expected a whole number of calls, 0 or more"],
    [["report", "--from-snapshot", "x.json", "--fail-under", "iso-27001=80"], 'unknown framework "iso-27001": expected one of cis-aws, nist-800-53'],
    [["report", "--from-snapshot", "x.json", "--fail-under", "nist-800-53=high"], "expected a percentage from 0 to 100"],
  ])("1 on invalid input: %j", (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("1 on an invalid --config, before anything is written", () => {
    writeFileSync(file("bad.yaml"), "organization: {}\n");
    const r = runCli(["report", "--from-snapshot", file("complete.json"), "--config", file("bad.yaml"), "--json", file("never.json")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("bad.yaml:1:");
    expect(existsSync(file("never.json"))).toBe(false);
  });
});

/** The CLI as a child process, without blocking this process's event loop (the fake AWS runs in it). */
function runCliAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["dist/main.js", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: "AKIAFAKEFORTESTS0000",
  AWS_SECRET_ACCESS_KEY: "fake-secret-for-the-loopback-server",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
};

describe("baseline report: live against a loopback AWS, and the same organization's AWS CLI exports", () => {
  const org = generateOrg({ seed: 21, accounts: 12, rules: 6, regions: ["eu-west-1", "us-east-1"], securityHubControls: 5, hostile: true });
  let server: FakeAws;

  beforeAll(async () => {
    server = await startFakeAws({ org, throttleEvery: 11, emptyPages: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("scores equal the reference computed from the generated organization, on both inputs", async () => {
    const live = await runCliAsync(
      [
        "report",
        "--aggregator",
        org.aggregator,
        "--region",
        "eu-west-1",
        "--endpoint-url",
        server.url,
        "--json",
        file("live.json"),
        "--html",
        file("live.html"),
      ],
      AWS_ENV,
    );
    expect(live.stderr).toMatch(/API calls/);
    expect(live.status).toBe(0);
    const expected = expectedScores(org);
    const json = readJson("live.json");
    expect(json.score.overall).toBe(expected.overall.score);
    for (const a of json.accounts) {
      const e = expected.byAccount.get(a.accountId);
      expect([a.accountId, a.score, a.compliant, a.nonCompliant]).toEqual([a.accountId, e?.score ?? null, e?.compliant ?? 0, e?.nonCompliant ?? 0]);
    }
    for (const r of json.rules) expect([r.rule, r.score]).toEqual([r.rule, expected.byRule.get(r.rule)!.score]);
    // Security Hub as the console scores an organization: a control fails if it failed in any account.
    const controlFailed = new Map<string, boolean>();
    for (const [key, status] of expectedSecurityHub(org).controls) {
      const control = key.split("|")[0]!;
      controlFailed.set(control, (controlFailed.get(control) ?? false) || status === "FAILED");
    }
    const passed = [...controlFailed.values()].filter((failed) => !failed).length;
    expect(json.score.securityHub).toBe(Math.round((1000 * passed) / controlFailed.size) / 10);

    writeAwsCliExports(org, file("exports"));
    const offline = runCli(["report", "--from-aws-cli", file("exports"), "--json", file("offline.json")]);
    expect(offline.status).toBe(0);
    const off = readJson("offline.json");
    const numbers = (doc: typeof json) => ({
      score: doc.score,
      accounts: doc.accounts.map((a: Record<string, unknown>) => [a.accountId, a.name, a.ou, a.score, a.compliant, a.nonCompliant, a.noData]),
      rules: doc.rules.map((r: Record<string, unknown>) => [r.rule, r.score, r.compliant, r.nonCompliant, r.noData]),
      regions: doc.regions.map((r: Record<string, unknown>) => [r.region, r.score]),
      ous: doc.ous.map((o: Record<string, unknown>) => [o.ou, o.score]),
    });
    expect(numbers(off)).toEqual(numbers(json));
  });
});
