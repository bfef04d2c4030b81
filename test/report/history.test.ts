import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFromAwsCli } from "../../reports/collect/aws-cli.js";
import { loadHistory } from "../../reports/collect/history-io.js";
import { loadSnapshot } from "../../reports/collect/snapshot-io.js";
import { runReport } from "../../reports/command.js";
import { historyPoint, pointOfCard } from "../../reports/model/history.js";
import { buildScorecard, scoreSnapshot } from "../../reports/model/scorecard.js";
import { renderHtml } from "../../reports/render/html.js";
import { axisLow, HISTORY_DRAWN, sparkPath, xPositions } from "../../reports/render/history-view.js";
import { renderJson } from "../../reports/render/json.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import type { ComplianceCell, Snapshot } from "../../reports/snapshot.js";
import { DEMO_DIR, DEMO_HISTORY, DEMO_PREVIOUS, DEMO_ROOT } from "./fake-aws/demo.js";
import { errorOf } from "./collect-helpers.js";

/**
 * Three weeks of a small organization, every score worked out by hand:
 *
 * | week | A (/Prod)    | B (/Dev)           | C (/Dev)  | organization | /Prod | /Dev           |
 * |------|--------------|--------------------|-----------|--------------|-------|----------------|
 * | 1    | r1 C, r2 NC  | r1 C, r2 C         | -         | 3/4 = 75.0   | 50.0  | 2/2 = 100.0    |
 * | 2    | r1 C, r2 C   | r1 NC, r2 INSUFF.  | -         | 2/3 = 66.7   | 100.0 | 0/1 = 0.0      |
 * | 3    | r1 C, r2 C   | r1 C, r2 C         | r1 NC     | 4/5 = 80.0   | 100.0 | 2/3 = 66.7     |
 */
const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const EVIL = `<script>alert("history")</script>`;

function week(n: number, cells: Array<[string, string, ComplianceCell["status"]]>, withC = false): Snapshot {
  return {
    version: 1,
    collectedAt: `2026-01-${String(1 + 7 * (n - 1)).padStart(2, "0")}T06:00:00.000Z`,
    source: { kind: "aws-cli" },
    accounts: [
      { accountId: A, name: "prod", ou: "/Prod" },
      { accountId: B, name: "dev", ou: "/Dev" },
      ...(withC ? [{ accountId: C, name: EVIL, ou: "/Dev" }] : []),
    ],
    cells: cells.map(([rule, accountId, status]) => ({ rule, ruleName: rule, accountId, region: "eu-west-1", status })),
    resources: [],
    sources: [],
    notReporting: [],
    gaps: [],
    apiCalls: 0,
  };
}

const week1 = () =>
  week(1, [
    ["r1", A, "COMPLIANT"],
    ["r2", A, "NON_COMPLIANT"],
    ["r1", B, "COMPLIANT"],
    ["r2", B, "COMPLIANT"],
  ]);
const week2 = () =>
  week(2, [
    ["r1", A, "COMPLIANT"],
    ["r2", A, "COMPLIANT"],
    ["r1", B, "NON_COMPLIANT"],
    ["r2", B, "INSUFFICIENT_DATA"],
  ]);
const week3 = () =>
  week(
    3,
    [
      ["r1", A, "COMPLIANT"],
      ["r2", A, "COMPLIANT"],
      ["r1", B, "COMPLIANT"],
      ["r2", B, "COMPLIANT"],
      ["r1", C, "NON_COMPLIANT"],
    ],
    true,
  );

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "report-history-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
const json = (s: Snapshot) => JSON.stringify(s);

describe("history model", () => {
  it("scores the organization, each OU and each account per snapshot, as worked out by hand", () => {
    const dir = folder({ "20260101T060000Z.json": json(week1()), "20260108T060000Z.json": json(week2()) });
    const card = buildScorecard(week3(), { history: loadHistory(dir) });
    const h = card.history!;
    expect(h.snapshots.map((s) => [s.collectedAt.slice(0, 10), s.score, s.current])).toEqual([
      ["2026-01-01", 75, false],
      ["2026-01-08", 66.7, false],
      ["2026-01-15", 80, true],
    ]);
    expect(h.snapshots.map((s) => s.file)).toEqual([join(dir, "20260101T060000Z.json"), join(dir, "20260108T060000Z.json"), null]);
    expect(h.organization).toEqual({ scores: [75, 66.7, 80], first: 75, change: 5 });
    const ous = Object.fromEntries(h.ous.map((o) => [o.ou, [o.scores, o.first, o.change]]));
    expect(ous).toEqual({
      "/": [[75, 66.7, 80], 75, 5],
      "/Dev": [[100, 0, 66.7], 100, -33.3],
      "/Prod": [[50, 100, 100], 50, 50],
    });
    // Rows in the scorecard's order (worst first); C has no earlier score, so no change.
    expect(h.accounts.map((a) => [a.accountId, a.scores, a.first, a.change])).toEqual([
      [C, [null, null, 0], 0, null],
      [A, [50, 100, 100], 50, 50],
      [B, [100, 0, 100], 100, 0],
    ]);
    // The last point is today's scorecard, so the history and the rest of the report agree.
    expect(h.organization.scores.at(-1)).toBe(card.score.overall);
    for (const a of card.accounts) expect(h.accounts.find((r) => r.accountId === a.accountId)!.scores.at(-1)).toBe(a.score);
  });

  it("counts --previous as a point, and leaves out a copy of a snapshot (the current one or another)", () => {
    const dir = folder({
      "a.json": json(week1()),
      "b.json": json(week2()),
      "copy-of-b.json": json(week2()),
      "current.json": json(week3()),
    });
    const card = buildScorecard(week3(), { history: loadHistory(dir), previous: week2(), previousFile: "prev.json" });
    expect(card.history!.snapshots.map((s) => s.file)).toEqual([join(dir, "a.json"), join(dir, "b.json"), null]);
    expect(card.history!.duplicates).toEqual([join(dir, "copy-of-b.json"), join(dir, "current.json"), "prev.json"].sort());
    expect(card.trend!.overall).toEqual({ before: 66.7, after: 80, delta: 13.3 });
  });

  it("orders by instant, not by text, and breaks ties by file name with this report last", () => {
    const early = { ...week1(), collectedAt: "2026-01-08T07:00:00+02:00" }; // 05:00 UTC, before week 2
    const sameInstantA = { ...week1(), collectedAt: "2026-01-15T06:00:00Z" };
    const sameInstantB = { ...week2(), collectedAt: "2026-01-15T06:00:00Z" };
    const points = [
      historyPoint(sameInstantB, "z.json"),
      historyPoint(week2(), "w2.json"),
      historyPoint(sameInstantA, "a.json"),
      historyPoint(early, "early.json"),
    ];
    const card = buildScorecard(week3(), { history: points });
    expect(card.history!.snapshots.map((s) => s.file)).toEqual(["early.json", "w2.json", "a.json", "z.json", null]);
    const reversed = buildScorecard(week3(), { history: [...points].reverse() });
    expect(renderJson(reversed)).toBe(renderJson(card));
  });

  it("a saved snapshot's point is the scorecard's own numbers (demo organization, five weeks)", () => {
    const snapshots = [
      collectFromAwsCli(DEMO_DIR),
      loadSnapshot(join(DEMO_ROOT, DEMO_PREVIOUS)),
      ...loadHistory(join(DEMO_ROOT, DEMO_HISTORY)).map((p) => loadSnapshot(p.file!)),
    ];
    for (const s of snapshots) {
      const fast = historyPoint(s, "f");
      const full = pointOfCard(scoreSnapshot(s).card, "f");
      expect(fast).toEqual(full);
    }
  });
});

describe("history folder input", () => {
  it("names every problem of every file by file and JSON path, and the run writes nothing", async () => {
    const broken = { ...week1(), collectedAt: "last tuesday" } as Snapshot;
    const missing = week2() as Partial<Snapshot>;
    delete missing.cells;
    const wrong = { ...week1(), accounts: [{ accountId: 12 }], apiCalls: -1 };
    const dir = folder({
      "good.json": json(week1()),
      "bad-time.json": json(broken),
      "missing.json": JSON.stringify(missing),
      "wrong.json": JSON.stringify(wrong),
      "torn.json": "{",
      "README.md": "not a snapshot, not read",
      ".hidden.json": "{",
      "older/nested.json": "{",
    });
    const message = errorOf(() => loadHistory(dir));
    expect(message.split("\n")).toEqual([
      `--history ${dir}: invalid snapshots: 5 problems`,
      `  ${join(dir, "bad-time.json")}: collectedAt: not an ISO 8601 date and time: "last tuesday"`,
      `  ${join(dir, "missing.json")}: cells: missing (required)`,
      expect.stringMatching(new RegExp(`^  ${join(dir, "torn.json")}: \\(document\\): not a snapshot, invalid JSON: `)),
      `  ${join(dir, "wrong.json")}: accounts[0].accountId: Invalid input: expected string, received number`,
      `  ${join(dir, "wrong.json")}: apiCalls: Too small: expected number to be >=0`,
    ]);

    const out = join(dir, "out");
    const snapshot = join(dir, "current-snapshot.json.in");
    writeFileSync(snapshot, json(week3()));
    await expect(
      runReport(
        { fromSnapshot: snapshot, history: dir, securityhub: true, html: join(out, "s.html"), json: join(out, "s.json"), saveSnapshot: join(dir, "new.json") },
        () => {},
      ),
    ).rejects.toThrow(/invalid snapshots/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "new.json"))).toBe(false);
  });

  it("the command saves this run's snapshot into the folder it reads, and the next run draws it", async () => {
    const dir = folder({ "20260101T060000Z.json": json(week1()) });
    const input = join(dir, "..", `${dir.split("/").pop()}-week2.json.in`);
    writeFileSync(input, json(week2()));
    const lines: string[] = [];
    const run = (from: string, out: string) =>
      runReport(
        { fromSnapshot: from, history: dir, saveSnapshot: join(dir, `${out}.json`), json: join(dir, "out", `${out}.scorecard.json`), securityhub: true },
        (l) => lines.push(l),
      );
    expect(await run(input, "20260108T060000Z")).toBe(0);
    expect(lines).toContain("history: 2 snapshots since 2026-01-01 06:00 UTC, Config score 75.0% then (−8.3 to now)");
    writeFileSync(input, json(week3()));
    expect(await run(input, "20260115T060000Z")).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "out", "20260115T060000Z.scorecard.json"), "utf8"));
    expect(doc.history.snapshots.map((s: { score: number }) => s.score)).toEqual([75, 66.7, 80]);
  });

  it("refuses a folder that does not exist; an empty one is a history of this report alone", () => {
    expect(() => loadHistory("/nonexistent/history")).toThrow(/--history \/nonexistent\/history: cannot read the snapshot folder/);
    const card = buildScorecard(week3(), { history: loadHistory(folder({})) });
    expect(card.history!.snapshots).toHaveLength(1);
    expect(card.history!.organization).toEqual({ scores: [80], first: 80, change: null });
  });
});

describe("history drawing", () => {
  it("draws one path per row: gaps where a score is missing, a dot for a lone score", () => {
    const axis = { low: 0, height: 24, pad: 2 };
    expect(sparkPath([100, 50, null, 0, null, null, 80], [0, 10, 20, 30, 40, 50, 60], axis)).toBe("M0 2L10 12M30 22h0M60 6h0");
    expect(sparkPath([null, null], [0, 1], axis)).toBe("");
    // A shared axis from the lowest score drawn, in tens: 62 -> 60-100%.
    expect(sparkPath([100, 80], [0, 120], { low: 60, height: 24, pad: 2 })).toBe("M0 2L120 12");
    expect(axisLow([null, 62, 95])).toBe(60);
    expect(axisLow([null, 99.9])).toBe(90);
    expect(axisLow([])).toBe(90);
  });

  it("places snapshots by time, evenly when they share an instant", () => {
    expect(xPositions(["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-05T00:00:00Z"], 120)).toEqual([0, 30, 120]);
    expect(xPositions(["2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"], 120)).toEqual([0, 60, 120]);
    expect(xPositions(["2026-01-01T00:00:00Z"], 120)).toEqual([60]);
  });

  it("renders the section and the accounts' lines with names escaped, accessible labels, and only the newest snapshots drawn", () => {
    const points = Array.from({ length: HISTORY_DRAWN + 5 }, (_, i) =>
      historyPoint({ ...week1(), collectedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() }, `${String(i).padStart(3, "0")}.json`),
    );
    const card = buildScorecard(week3(), { history: points });
    const html = renderHtml(card);
    const section = html.slice(html.indexOf('<section id="history"'), html.indexOf("</section>", html.indexOf('<section id="history"')));
    expect(section).toContain(`the newest ${HISTORY_DRAWN} are drawn, the JSON has all ${HISTORY_DRAWN + 6}`);
    expect(section).toMatch(
      /<svg class="history-chart"[^>]*role="img" aria-labelledby="history-chart-title">\s*<title id="history-chart-title">Config score over 60 snapshots: first 75\.0%, now 80\.0%<\/title>/,
    );
    // The accounts' lines sit in the accounts table, in the row that names the account (escaped).
    const accounts = html.slice(html.indexOf('<section id="accounts"'), html.indexOf("</section>", html.indexOf('<section id="accounts"')));
    const evilRow = accounts.split("<tr").find((row) => row.includes("333333333333"))!;
    expect(evilRow).toContain("&lt;script&gt;alert(&quot;history&quot;)&lt;/script&gt;");
    expect(evilRow).toMatch(/<svg class="spark"[^>]*aria-label="Config score over 60 snapshots: first 0\.0%, now 0\.0%"><path d="M120 22h0"\/><\/svg>/);
    expect(html.match(/<script/g)).toHaveLength(1);
    // One path per sparkline row (3 OUs in the history, 3 accounts in the accounts table), each through at most HISTORY_DRAWN points.
    const sparks = [
      ...html.matchAll(/<svg class="spark"[^>]*role="img" aria-label="Config score over \d+ snapshots: [^"]+">(?:<path d="([^"]*)"\/>)?<\/svg>/g),
    ];
    expect(sparks).toHaveLength(6);
    for (const [, d] of sparks) expect((d ?? "").match(/[ML]/g)?.length ?? 0).toBeLessThanOrEqual(HISTORY_DRAWN);
    expect(JSON.parse(renderJson(card)).history.snapshots).toHaveLength(HISTORY_DRAWN + 6);
    expect(renderHtml(card)).toBe(html);
  });

  it("adds a table of the organization's score per snapshot to the Markdown, names escaped", () => {
    const card = buildScorecard(week3(), { history: [historyPoint(week1(), "w1_<b>.json"), historyPoint(week2(), "w2.json")] });
    const md = renderMarkdown(card);
    expect(md).toContain(
      [
        "### History",
        "",
        "| Collected | Config score | Change | Security Hub CSPM | Snapshot |",
        "|---|--:|--:|--:|---|",
        "| 2026-01-15 06:00 UTC | 80.0% | +13.3 | n/a | this report |",
        "| 2026-01-08 06:00 UTC | 66.7% | −8.3 | n/a | w2.json |",
        "| 2026-01-01 06:00 UTC | 75.0% |  | n/a | w1\\_&lt;b&gt;.json |",
      ].join("\n"),
    );
  });

  it("the demo report shows at least three saved snapshots besides --previous and its own", () => {
    const card = buildScorecard(collectFromAwsCli(DEMO_DIR), {
      previous: loadSnapshot(join(DEMO_ROOT, DEMO_PREVIOUS)),
      previousFile: "previous",
      history: loadHistory(join(DEMO_ROOT, DEMO_HISTORY)),
    });
    expect(card.history!.snapshots.filter((s) => s.file?.includes(DEMO_HISTORY)).length).toBeGreaterThanOrEqual(3);
    expect(card.history!.snapshots).toHaveLength(5);
    expect(card.history!.snapshots.at(-2)!.score).toBe(card.trend!.overall.before);
    expect(readFileSync(join(DEMO_ROOT, DEMO_HISTORY, "20261023T060000Z.json"), "utf8")).toContain('"collectedAt": "2026-10-23T06:00:00.000Z"');
  });
});
