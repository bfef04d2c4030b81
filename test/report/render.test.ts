import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { evaluateGates } from "../../reports/model/gates.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import { csvField, renderCsv } from "../../reports/render/csv.js";
import { renderHtml } from "../../reports/render/html.js";
import { renderJson } from "../../reports/render/json.js";
import { md, renderMarkdown } from "../../reports/render/markdown.js";
import { currentSnapshot, DECLARED_YAML, EVIL_NAME, previousSnapshot, TEST_CONTROLS, testLookup, XSS } from "./model-fixture.js";

const fullCard = () =>
  buildScorecard(currentSnapshot(), {
    lookup: testLookup,
    controls: TEST_CONTROLS,
    previous: previousSnapshot(),
    declared: { org: parseConfig(DECLARED_YAML, "org.yaml"), controlsForStack: () => TEST_CONTROLS },
  });

describe("JSON", () => {
  it("has the documented fields with one-decimal scores and null for no data", () => {
    const doc = JSON.parse(renderJson(fullCard()));
    expect(doc.score).toEqual({ overall: 60, securityHub: 50 });
    expect(doc.accounts).toHaveLength(5);
    for (const a of doc.accounts)
      expect(Object.keys(a)).toEqual(expect.arrayContaining(["accountId", "name", "ou", "score", "compliant", "nonCompliant", "noData"]));
    expect(doc.accounts.find((a: { accountId: string }) => a.accountId === "222222222222")).toMatchObject({
      name: "payments-prod",
      ou: "/Workloads/Prod",
      score: 60,
      compliant: 3,
      nonCompliant: 2,
      noData: 0,
    });
    expect(doc.accounts.find((a: { accountId: string }) => a.accountId === "555555555555").score).toBeNull();
    expect(
      doc.rules.map((r: { rule: string; compliant: number; nonCompliant: number; noData: number; score: number }) => [
        r.rule,
        r.compliant,
        r.nonCompliant,
        r.noData,
        r.score,
      ]),
    ).toEqual([
      ["s3-bucket-ssl", 2, 3, 1, 40],
      ["ebs-encrypted", 2, 1, 0, 66.7],
      ["iam-root-mfa", 2, 0, 2, 100],
    ]);
    expect(doc.regions.map((r: { region: string; score: number }) => [r.region, r.score])).toEqual([
      ["eu-central-1", 33.3],
      ["eu-west-1", 71.4],
    ]);
    expect(doc.ous.map((o: { ou: string; score: number | null }) => [o.ou, o.score])).toContainEqual(["/Workloads", 50]);
    expect(doc.resources).toHaveLength(3);
    expect(doc.formulas.config).toMatch(/COMPLIANT cells/);
    expect(doc.trend.overall).toEqual({ before: 66.7, after: 60, delta: -6.7 });
    expect(doc.declared.accountsNotReporting[0].accountId).toBe("666666666666");
    expect(doc.gaps).toHaveLength(2);
    expect(doc.frameworks.map((f: { id: string; score: number | null }) => [f.id, f.score])).toEqual([
      ["cis-aws", null],
      ["nist-800-53", 0],
    ]);
    expect(doc.coverage.notReporting).toHaveLength(3);
    expect(doc.formatVersion).toBe(1);
  });

  it("is deterministic", () => {
    expect(renderJson(fullCard())).toBe(renderJson(fullCard()));
  });
});

describe("CSV", () => {
  it("one row per non-compliant resource, RFC 4180 quoted, formula injection neutralized", () => {
    const csv = renderCsv(fullCard());
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "account_id,account_name,ou,region,rule,control_id,title,severity,resource_type,resource_id,annotation,recorded_at,doc_url,frameworks",
    );
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv).toContain(
      `444444444444,<img src=x onerror=alert(2)>,/Workloads,eu-west-1,s3-bucket-ssl,S3-TLS,S3 buckets require TLS,CRITICAL,AWS::S3::Bucket,"""><script>alert(1)</script>","'=HYPERLINK(""http://evil.example"")",,https://`,
    );
    expect(csv).toContain(`s3-bucket-ssl.html,nist-800-53 SC-7; nist-800-53 SC-28\r\n`);
    // The embedded newline stays inside one quoted field.
    expect(csv).toContain(`vol-0123,"Volume, not ""encrypted""\nsecond line",2026-11-20T09:00:00.000Z,`);
    expect(csv.match(/\r\n/g)).toHaveLength(4);
  });

  it("prefixes every formula trigger", () => {
    expect(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"].map(csvField)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", `"'\rx"`]);
    expect(csvField("plain")).toBe("plain");
    expect(csvField(null)).toBe("");
    expect(csvField("a,b")).toBe(`"a,b"`);
  });
});

describe("Markdown", () => {
  it("summarizes scores, the gate, failing accounts and rules, trend, declared and gaps", () => {
    const text = renderMarkdown(fullCard(), {
      gates: evaluateGates(fullCard(), [
        { target: "config", threshold: 80 },
        { target: "nist-800-53", threshold: 50 },
      ]),
    });
    expect(text).toContain("| Security Hub (v2) | 4 active findings: 3 HIGH, 1 CRITICAL (not scored) |");
    expect(text).toContain("| Gate | **failed**: NIST SP 800-53 Rev. 5 score 0.0%, 50% required |");
    expect(text).toContain("| NIST SP 800-53 Rev. 5 | 0.0% | 0 | 2 | 0 | SC-7, SC-28 |");
    expect(text).toContain("- data-prod (666666666666) eu-central-1: declared with Config rules in the config; no evaluations reported");
    expect(text).toContain("## 🔴 Compliance scorecard: 60.0% (−6.7 since 2026-11-13 10:00 UTC)");
    expect(text).toContain("| Config score | **60.0%**: 6 compliant of 10 counted cells, 3 without data |");
    expect(text).toContain("| Security Hub CSPM score | **50.0%**: 2 of 4 controls passed |");
    expect(text).toContain("| Gate | **failed**: Config score 60.0%, 80% required |");
    expect(text).toContain("### Lowest-scoring accounts");
    expect(text).toContain("2 newly failing, 1 fixed");
    expect(text).toContain("1 of 4 declared accounts not reporting: data-prod \\(666666666666\\)");
    expect(text).toContain("### ⚠️ Could not read");
    expect(text).toContain("<details><summary>How the scores are computed</summary>");
  });

  it("escapes names so they cannot inject HTML, links, tables or mentions", () => {
    const text = renderMarkdown(fullCard());
    expect(text).not.toContain(EVIL_NAME);
    expect(text).toContain("&lt;img src=x onerror=alert\\(2\\)&gt;");
    expect(md("a|b [x](javascript:y) @team\n*z*")).toBe("a\\|b \\[x\\]\\(javascript\\:y\\) @\u200bteam \\*z\\*");
    expect([md("- item"), md("# head"), md("1. first"), md("a-b.c")]).toEqual(["\\- item", "\\# head", "1\\. first", "a-b.c"]);
  });
});

describe("HTML", () => {
  const html = renderHtml(fullCard(), { jsonFile: "scorecard.json", gates: evaluateGates(fullCard(), [{ target: "config", threshold: 80 }]) });

  it("escapes every attacker-controlled string", () => {
    expect(html).not.toContain(XSS);
    expect(html).not.toContain(EVIL_NAME);
    expect(html).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;");
    // Only our own script element exists.
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it("is self-contained: no external reference, a CSP that forbids the network and pins our script", () => {
    // Links the reader may click are fine; nothing the page loads may point outside it.
    expect(html).not.toMatch(/\ssrc="/);
    expect(html.match(/<link [^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
    expect(html).not.toMatch(/url\((?!"data:)/);
    expect(html).not.toMatch(/@import/);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; style-src &#x27;sha256-[A-Za-z0-9+/]+(&#x3D;)*&#x27;; script-src &#x27;sha256-/,
    );
  });

  it("shows the scores, the formulas, the gate and every view", () => {
    expect(html).toContain('<span class="masthead-score-value">60.0%</span>');
    expect(html).toContain("Pipeline gate failed");
    expect(html).toContain("Config score &#x3D; 100 × COMPLIANT cells / (COMPLIANT + NON_COMPLIANT cells)");
    for (const id of [
      "summary",
      "ous",
      "accounts",
      "regions",
      "rules",
      "frameworks",
      "security-hub",
      "security-hub-v2",
      "resources",
      "trend",
      "declared",
      "data-quality",
      "method",
    ]) {
      expect(html).toContain(`<section id="${id}"`);
    }
    expect(html).toContain('href="https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl.html"');
  });

  it("caps the resource list and points to the JSON", () => {
    const snap = currentSnapshot();
    snap.resources = Array.from({ length: 300 }, (_, i) => ({
      rule: "s3-bucket-ssl",
      accountId: "222222222222",
      region: "eu-west-1",
      resourceType: "AWS::S3::Bucket",
      resourceId: `bucket-${String(i).padStart(3, "0")}`,
    }));
    const capped = renderHtml(buildScorecard(snap, { lookup: testLookup }), { jsonFile: "out/scorecard.json" });
    expect(capped).toContain("Showing 250 of 300; the rest are in <code>out/scorecard.json</code>");
    expect(capped).toContain("bucket-249");
    expect(capped).not.toContain("bucket-250");
  });

  it("drops links that are not http(s)", () => {
    const evil = TEST_CONTROLS.map((c) => ({ ...c, docUrl: "javascript:alert(3)" }));
    const page = renderHtml(buildScorecard(currentSnapshot(), { lookup: (r) => evil.find((c) => c.configRule?.name === r) }));
    expect(page).not.toContain("javascript:");
  });

  it("shows the catalog's `code` in remediation as code, still escaped", () => {
    const coded = TEST_CONTROLS.map((c) => ({ ...c, remediation: "Run `aws kms enable-key-rotation`; never `<b>x</b>` or <i>y</i>." }));
    const page = renderHtml(buildScorecard(currentSnapshot(), { lookup: (r) => coded.find((c) => c.configRule?.name === r) }));
    expect(page).toContain("Run <code>aws kms enable-key-rotation</code>; never <code>&lt;b&gt;x&lt;/b&gt;</code> or &lt;i&gt;y&lt;/i&gt;.");
    expect(page).not.toContain("<b>x");
  });

  it("is deterministic", () => {
    expect(renderHtml(fullCard(), { jsonFile: "scorecard.json", gates: evaluateGates(fullCard(), [{ target: "config", threshold: 80 }]) })).toBe(html);
  });
});
