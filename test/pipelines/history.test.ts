import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshDir, run, tools } from "./bash.js";
import { byName, exampleWithPipelines, generate, step } from "./helpers.js";

const gated = (historyDays?: number) =>
  byName(
    generate(
      exampleWithPipelines({ reportGate: { aggregator: "org-aggregator", region: "eu-west-1", failUnder: 85, ...(historyDays ? { historyDays } : {}) } }),
    ),
    "baseline-plan.yml",
  ).workflow.jobs["report-gate"]!;

describe("the report gate's score history (reportGate.historyDays)", () => {
  it("restores the saved snapshots, draws them and saves this run's, whatever the gate decides", () => {
    const job = gated(90);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", actions: "read" });
    const names = job.steps.map((s) => s.name);
    expect(names.indexOf("Restore the score history")).toBeLessThan(names.indexOf("Config score of at least 85%"));
    expect(step(job, "Restore the score history").env).toMatchObject({ ARTIFACT: "baseline-scorecard-history", DAYS: "90", REPO: "${{ github.repository }}" });
    const gate = step(job, "Config score of at least 85%").run!;
    expect(gate).toContain("stamp=$(date -u +%Y%m%dT%H%M%SZ)");
    expect(gate).toContain(
      '--markdown "$RUNNER_TEMP/scorecard.md" --history "$RUNNER_TEMP/scorecard-history" --save-snapshot "$RUNNER_TEMP/scorecard-history/$stamp.json"',
    );
    const save = step(job, "Save the score history");
    expect(save.if).toBe("always()");
    expect(save.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(save.with).toMatchObject({
      name: "baseline-scorecard-history",
      path: "${{ runner.temp }}/scorecard-history/",
      "retention-days": 90,
      "if-no-files-found": "ignore",
    });
  });

  it("without it the gate is as before: no history steps, no actions permission", () => {
    const job = gated();
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(job.steps.map((s) => s.name)).not.toContain("Restore the score history");
    expect(step(job, "Config score of at least 85%").run).not.toContain("--history");
  });

  it("is refused outside 1 to 400 days, with its position", () => {
    expect(() => exampleWithPipelines({ reportGate: { aggregator: "a", region: "eu-west-1", failUnder: 80, historyDays: 0 } })).toThrow(
      /test-config\.yaml:\d+:\d+ pipelines\.reportGate\.historyDays: /,
    );
  });
});

describe.skipIf(tools.length > 0 || spawnSync("sh", ["-c", "command -v zip && command -v unzip"]).status !== 0)(
  "restoring the score history, run for real",
  () => {
    const restore = step(gated(30), "Restore the score history");
    const today = new Date();
    const day = (daysAgo: number, time: string) =>
      `${new Date(today.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "")}T${time}Z.json`;

    function fixtures(list: object, zipFiles: string[]): string {
      const dir = freshDir("gh");
      const content = freshDir("artifact");
      for (const f of zipFiles) writeFileSync(join(content, f), "{}");
      const zip = join(dir, "repos_o_r_actions_artifacts_3_zip.json");
      const zipped = spawnSync("zip", ["-q", zip, ...zipFiles], { cwd: content });
      expect(zipped.status).toBe(0);
      writeFileSync(join(dir, "repos_o_r_actions_artifacts_name_baseline_scorecard_history_per_page_100.json"), JSON.stringify(list));
      return dir;
    }
    const artifact = (id: number, created: string, extra: object = {}) => ({
      id,
      created_at: created,
      expired: false,
      workflow_run: { repository_id: 1, head_repository_id: 1 },
      ...extra,
    });

    it("takes the newest artifact of this repository and keeps the newest snapshot of each day in the period", () => {
      const list = {
        artifacts: [
          artifact(3, "2026-11-20T00:00:00Z"),
          artifact(4, "2026-11-21T00:00:00Z", { expired: true }),
          artifact(5, "2026-11-22T00:00:00Z", { workflow_run: { repository_id: 1, head_repository_id: 2 } }),
          artifact(2, "2026-11-19T00:00:00Z"),
        ],
      };
      const files = [day(1, "080000"), day(1, "170000"), day(3, "090000"), day(45, "090000"), "notes.json", "README.md"];
      const temp = freshDir("runner-temp");
      const result = run(
        restore,
        freshDir("ws"),
        { ...(restore.env as Record<string, string>), GH_TOKEN: "t", REPO: "o/r", GH_FIXTURES: fixtures(list, files) },
        temp,
      );
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(readdirSync(join(temp, "scorecard-history")).sort()).toEqual([day(3, "090000"), day(1, "170000")].sort());
      expect(result.stdout).toContain("restored 2 snapshots from artifact 3");
    });

    it("starts an empty history when there is no artifact yet", () => {
      const temp = freshDir("runner-temp");
      const result = run(
        restore,
        freshDir("ws"),
        { ...(restore.env as Record<string, string>), GH_TOKEN: "t", REPO: "o/r", GH_FIXTURES: fixtures({ artifacts: [] }, ["x.json"]) },
        temp,
      );
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(readdirSync(join(temp, "scorecard-history"))).toEqual([]);
      expect(result.stdout).toContain("this run starts it");
    });
  },
);
