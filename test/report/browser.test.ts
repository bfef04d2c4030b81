import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { evaluateGates } from "../../reports/model/gates.js";
import { historyPoint } from "../../reports/model/history.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import { renderHtml } from "../../reports/render/html.js";
import {
  ACCESS_ANALYZER,
  currentSnapshot,
  DECLARED_YAML,
  EVIL_NAME,
  previousSnapshot,
  TEST_CONTROLS,
  testLookup,
  UNUSED_ACCESS,
  XSS,
} from "./model-fixture.js";

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve("test-results/report");
/** A saved snapshot's file name is shown too, and a folder can hold any name. */
const HOSTILE_FILE = `history/<img src=x onerror=alert(3)>.json`;

describe.skipIf(!existsSync(CHROMIUM))("scorecard HTML in Chromium", () => {
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const card = buildScorecard(
      { ...currentSnapshot(), accessAnalyzer: { ...ACCESS_ANALYZER, unused: UNUSED_ACCESS } },
      {
        lookup: testLookup,
        controls: TEST_CONTROLS,
        previous: previousSnapshot(),
        history: [
          historyPoint({ ...previousSnapshot(), collectedAt: "2026-10-30T10:00:00.000Z" }, HOSTILE_FILE),
          historyPoint({ ...currentSnapshot(), collectedAt: "2026-11-06T10:00:00.000Z" }, "history/20261106T100000Z.json"),
        ],
        declared: { org: parseConfig(DECLARED_YAML, "org.yaml"), controlsForStack: () => TEST_CONTROLS },
      },
    );
    const file = join(ARTIFACTS, "scorecard.html");
    writeFileSync(file, renderHtml(card, { jsonFile: "scorecard.json", gates: evaluateGates(card, [{ target: "config", threshold: 80 }]) }));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page.screenshot({ path: join(ARTIFACTS, "scorecard.png"), fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("loads without console errors, dialogs or network requests", () => {
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("renders attacker-controlled strings as text", async () => {
    const cell = page.locator("#resources-table td.resource");
    await expect.poll(() => cell.allTextContents()).toContain(XSS);
    expect(await page.locator("#accounts-table .name", { hasText: EVIL_NAME }).count()).toBe(1);
    // The page has exactly the one script it shipped with, and no injected element.
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.locator("img").count()).toBe(0);
  });

  it("the filter narrows the rows and clearing it restores them", async () => {
    const visible = () => page.locator("#accounts-table tbody tr:visible").count();
    expect(await visible()).toBe(5);
    expect(await page.locator('[data-count-for="accounts-table"]').textContent()).toBe("5 rows");
    await page.fill("#filter", "payments-prod");
    await expect.poll(visible).toBe(1);
    expect(await page.locator("#accounts-table tbody tr:visible .id").textContent()).toBe("222222222222");
    expect(await page.locator('[data-count-for="accounts-table"]').textContent()).toBe("1 of 5 rows");
    expect(await page.locator("#resources-table tbody tr:visible").count()).toBe(2);
    await page.fill("#filter", "");
    await expect.poll(visible).toBe(5);
  });

  it("sorts a column ascending then descending, rows without a score last", async () => {
    const ids = () => page.locator("#accounts-table tbody tr .id").allTextContents();
    const scoreHeader = page.locator("#accounts-table th", { hasText: "Score" }).locator("button");
    await scoreHeader.click();
    expect(await ids()).toEqual(["444444444444", "333333333333", "222222222222", "111111111111", "555555555555"]);
    await scoreHeader.click();
    expect(await ids()).toEqual(["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"]);
    expect(await page.locator("#accounts-table th", { hasText: "Score" }).getAttribute("aria-sort")).toBe("descending");
    await page.locator("#accounts-table th", { hasText: "Account" }).first().locator("button").click();
    expect((await page.locator("#accounts-table tbody tr .name").allTextContents())[0]).toBe(EVIL_NAME);
  });

  it("lists account-regions that report nothing apart from failed reads", async () => {
    const rows = page.locator("#not-reporting-table tbody tr");
    expect(await rows.count()).toBe(3);
    expect(await rows.first().textContent()).toContain("mgmt");
    expect(await page.locator("#gaps-table tbody tr").count()).toBe(2);
    await page.fill("#filter", "data-prod");
    await expect.poll(() => page.locator("#not-reporting-table tbody tr:visible").count()).toBe(2);
    await page.fill("#filter", "");
  });

  it("shows each framework's requirements with their status, filterable", async () => {
    const rows = page.locator("#framework-nist-800-53-table tbody tr");
    expect(await rows.locator("td:first-child").allTextContents()).toEqual(["SC-7", "SC-28"]);
    expect((await rows.first().locator("td").nth(2).textContent())?.trim()).toBe("failed");
    await page.fill("#filter", "SC-28");
    await expect.poll(() => page.locator("#framework-nist-800-53-table tbody tr:visible").count()).toBe(1);
    await page.fill("#filter", "");
  });

  it("shows the new Security Hub's active findings per account, names as text", async () => {
    const rows = page.locator("#sh-v2-table tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.first().locator(".name").textContent()).toBe(EVIL_NAME);
  });

  it("draws the score over time for the organization, each OU and each account (in the accounts table), file names as text", async () => {
    // The filter box debounces: wait until an earlier test's cleared filter shows every row again.
    await expect.poll(() => page.locator("#accounts-table tbody tr:visible").count()).toBe(5);
    const chart = page.locator("#history svg.history-chart");
    expect(await chart.locator("title").first().textContent()).toMatch(/^Config score over 4 snapshots: first \d+\.\d%, now \d+\.\d%$/);
    expect(await chart.locator("circle.point").count()).toBe(4);
    expect(await chart.locator("circle.point.now").count()).toBe(1);
    expect(await page.locator("#history-ous-table tbody tr svg.spark path").count()).toBeGreaterThanOrEqual(3);
    // Each account's line is in the accounts table, next to its one-step change.
    expect(await page.locator("#accounts-table tbody tr svg.spark").count()).toBe(5);
    const evil = page.locator("#accounts-table tbody tr", { hasText: EVIL_NAME });
    expect(await evil.locator("svg.spark").getAttribute("aria-label")).toMatch(/^Config score over 4 snapshots: first /);
    const box = await evil.locator("svg.spark").boundingBox();
    expect(box && box.width > 100 && box.height > 20).toBe(true);
    await page.locator("#history details.history-points summary").click();
    expect(await page.locator("#history-snapshots-table tbody tr code").allTextContents()).toEqual([
      "--previous",
      "history/20261106T100000Z.json",
      HOSTILE_FILE,
    ]);
    await page.fill("#filter", "payments-prod");
    await expect.poll(() => page.locator("#accounts-table tbody tr:visible svg.spark").count()).toBe(1);
    await page.fill("#filter", "");
    await expect.poll(() => page.locator("#accounts-table tbody tr:visible svg.spark").count()).toBe(5);
  });

  it("shows IAM Access Analyzer findings per account and resource, public and outside the organization apart, filterable", async () => {
    const accounts = page.locator("#aa-accounts-table tbody tr");
    expect(await accounts.count()).toBe(2);
    expect((await accounts.first().locator("td").allTextContents()).map((t) => t.trim())).toEqual(["payments-prod 222222222222", "1", "1", "0", "2"]);
    expect(await accounts.nth(1).locator(".name").textContent()).toBe(EVIL_NAME);
    const access = () => page.locator("#aa-resources-table tbody tr:not([hidden]) td:first-child").allTextContents();
    // The filter applies after a short delay: an earlier test may have just cleared it.
    await expect
      .poll(async () => (await access()).map((t) => t.trim()))
      .toEqual(["public", "outside the organization", "outside the organization", "not classified"]);
    expect(await page.locator("#aa-resources-table td", { hasText: XSS }).count()).toBe(1);
    expect(await page.locator("#access-analyzer").textContent()).toContain("No active organization analyzer in us-east-1");
    await page.fill("#filter", "vendor-audit");
    await expect.poll(async () => (await access()).length).toBe(1);
    await page.fill("#filter", "");
    await expect.poll(async () => (await access()).length).toBe(4);
  });

  it("shows the unused-access findings per account and resource, names as text, sortable", async () => {
    const accounts = page.locator("#aa-unused-accounts-table tbody tr");
    expect(await accounts.count()).toBe(3);
    expect((await accounts.first().locator("td").allTextContents()).map((t) => t.trim())).toEqual(["payments-prod 222222222222", "3", "0", "1", "1", "1"]);
    expect(await accounts.nth(2).locator(".name").textContent()).toBe(EVIL_NAME);
    expect(await page.locator("#aa-unused-resources-table td", { hasText: XSS }).count()).toBe(1);
    const findings = () => page.locator("#aa-unused-resources-table tbody tr:not([hidden]) td:first-child").allTextContents();
    await expect.poll(async () => (await findings()).length).toBe(5);
    await page.locator("#aa-unused-resources-table th", { hasText: "Finding" }).click();
    await expect.poll(async () => (await findings()).map((t) => t.trim())[0]).toBe("unused role");
  });

  it("sorts severities by rank", async () => {
    const header = page.locator("#resources-table th", { hasText: "Severity" }).locator("button");
    const severities = async () => (await page.locator("#resources-table tbody tr td:first-child").allTextContents()).map((t) => t.trim());
    await header.click();
    expect(await severities()).toEqual(["CRITICAL", "CRITICAL", "HIGH"]);
    await header.click();
    expect(await severities()).toEqual(["HIGH", "CRITICAL", "CRITICAL"]);
  });
});
