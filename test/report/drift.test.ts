import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runReport } from "../../reports/command.js";

/** `baseline report --drift`: the drift workflow's summaries in declared vs observed, in every output. */
const dir = mkdtempSync(join(tmpdir(), "report-drift-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summary = (runId: string, generatedAt: string, stacks: object[]) => ({
  format: 1,
  kind: "org-baseline-drift",
  repository: "demo-corp/live",
  runId,
  runUrl: `https://github.com/demo-corp/live/actions/runs/${runId}`,
  commit: "c0ffee",
  shard: 1,
  generatedAt,
  stacks,
});
const record = (stack: string, status: string, checkedAt: string, extra: object = {}) => ({
  stack,
  accountId: "100000001020",
  region: "eu-west-1",
  status,
  add: 0,
  change: 0,
  destroy: 0,
  resources: [],
  changedOutside: [],
  sha256: "a".repeat(64),
  checkedAt,
  ...extra,
});
const DRIFTED = {
  add: 1,
  change: 1,
  destroy: 0,
  resources: [
    { address: "aws_iam_role.x", actions: ["update"] },
    { address: "aws_kms_alias.k", actions: ["create"] },
  ],
};

describe("report --drift", () => {
  // Two shards' summaries in a folder of downloaded artifacts; the newer run decides, a failed plan hides nothing.
  const folder = join(dir, "summaries");
  mkdirSync(join(folder, "run-1"), { recursive: true });
  mkdirSync(join(folder, "run-2"), { recursive: true });
  writeFileSync(
    join(folder, "run-1/drift-summary.json"),
    JSON.stringify(
      summary("1", "2026-11-28T05:17:00Z", [
        record("log-archive-eu-west-1", "drifted", "2026-11-28T05:20:00Z", DRIFTED),
        record("log-archive-us-east-1", "drifted", "2026-11-28T05:20:00Z", DRIFTED),
      ]),
    ),
  );
  writeFileSync(
    join(folder, "run-2/drift-summary.json"),
    JSON.stringify(
      summary("2", "2026-11-29T05:17:00Z", [
        record("log-archive-eu-west-1", "failed", "2026-11-29T05:20:00Z"),
        record("log-archive-us-east-1", "clean", "2026-11-29T05:20:00Z"),
      ]),
    ),
  );

  const outputs = { json: join(dir, "card.json"), csv: join(dir, "card.csv"), markdown: join(dir, "card.md"), html: join(dir, "card.html") };
  const args = { securityhub: true, fromAwsCli: "reports/demo/aws-cli", config: "reports/demo/org.yaml" };

  it("shows the drifted stacks in declared vs observed, in JSON, CSV, Markdown and HTML", async () => {
    const code = await runReport({ ...args, drift: folder, ...outputs }, () => undefined);
    expect(code).not.toBe(1);
    const drift = JSON.parse(readFileSync(outputs.json, "utf8")).declared.drift;
    expect(drift.checked).toBe(1 + 0 + 1); // eu-west-1 from run 1 (run 2 failed), us-east-1 clean in run 2
    expect(drift.drifted).toEqual([
      expect.objectContaining({
        stack: "log-archive-eu-west-1",
        accountName: "log-archive",
        add: 1,
        change: 1,
        destroy: 0,
        runUrl: "https://github.com/demo-corp/live/actions/runs/1",
      }),
    ]);
    expect(drift.failed).toEqual([]);
    expect(drift.notChecked).toContain("management-eu-west-1");
    const csv = readFileSync(outputs.csv, "utf8");
    expect(csv).toContain(
      "100000001020,log-archive,/Security,eu-west-1,terraform-drift,,Drifted from its Terraform configuration (stack log-archive-eu-west-1),,aws_iam_role,aws_iam_role.x,update,",
    );
    expect(readFileSync(outputs.markdown, "utf8")).toMatch(
      /1 of 2 stacks checked drifted from their configuration[\s\S]*\| log-archive-eu-west-1 \| 1 \| 1 \| 0 \|/,
    );
    const html = readFileSync(outputs.html, "utf8");
    expect(html).toContain('id="drift-table"');
    expect(html).toContain("aws_kms_alias.k");
  });

  it("refuses a malformed summary naming the file and field, and --drift without --config", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify(summary("3", "2026-11-29T05:17:00Z", [{ ...record("x", "sideways", "t"), accountId: "12" }])));
    await expect(runReport({ ...args, drift: bad, json: join(dir, "bad-card.json") }, () => undefined)).rejects.toThrow(
      /bad\.json: stacks\[0\]\.accountId: a 12-digit account id[\s\S]*stacks\[0\]\.status/,
    );
    await expect(runReport({ securityhub: true, fromAwsCli: "reports/demo/aws-cli", drift: folder }, () => undefined)).rejects.toThrow(
      /--drift needs --config/,
    );
  });
});
