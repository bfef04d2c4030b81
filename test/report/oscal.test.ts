import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { controlById } from "../../modules/controls/catalog.js";
import { runReport } from "../../reports/command.js";
import { buildScorecard } from "../../reports/model/scorecard.js";
import { oscalControlId, OSCAL_VERSION, renderOscal, uuidV5 } from "../../reports/render/oscal.js";
import type { ComplianceCell, Snapshot } from "../../reports/snapshot.js";

const A = "111111111111";
const B = "222222222222";
const cell = (rule: string, accountId: string, status: ComplianceCell["status"]): ComplianceCell => ({
  rule,
  ruleName: rule,
  accountId,
  region: "eu-west-1",
  status,
});

// Log retention passes everywhere, secret rotation fails in one account, and nothing reports on secrets' keys.
const snapshot: Snapshot = {
  version: 1,
  collectedAt: "2026-11-20T08:00:00.000Z",
  source: { kind: "live", aggregator: "org", region: "eu-west-1" },
  accounts: [],
  cells: [
    cell("cw-loggroup-retention-period-check", A, "COMPLIANT"),
    cell("cw-loggroup-retention-period-check", B, "COMPLIANT"),
    cell("secretsmanager-rotation-enabled-check", A, "COMPLIANT"),
    cell("secretsmanager-rotation-enabled-check", B, "NON_COMPLIANT"),
  ],
  resources: [],
  sources: [],
  notReporting: [],
  gaps: [],
  apiCalls: 0,
};
// A fixed set of catalog controls, so the hand-worked mapping holds as the catalog grows.
const controls = ["LOGS-RETENTION", "SECRETS-ROTATION", "SECRETS-CMK"].map((id) => controlById(id)!);
const render = (s: Snapshot) => renderOscal(buildScorecard(s, { controls }));

interface Finding {
  uuid: string;
  title: string;
  target: { type: string; "target-id": string; status: { state: string; reason: string } };
  "related-observations": Array<{ "observation-uuid": string }>;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("OSCAL assessment-results export (--oscal)", () => {
  it("makes name-based UUIDs (RFC 4122 version 5) and OSCAL control ids", () => {
    // The RFC's DNS namespace and the usual example name.
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    expect(oscalControlId("IA-5(1)")).toBe("ia-5.1");
    expect(oscalControlId("AC-2(3)")).toBe("ac-2.3");
    expect(oscalControlId("SC-12")).toBe("sc-12");
  });

  it("has the assessment-results structure, one finding per requirement, satisfied only when it passed", () => {
    const doc = JSON.parse(render(snapshot))["assessment-results"];
    expect(Object.keys(doc)).toEqual(["uuid", "metadata", "import-ap", "results"]);
    expect(doc.uuid).toMatch(UUID);
    expect(doc.metadata).toEqual({
      title: "NIST SP 800-53 Rev. 5 assessment results: AWS Config aggregator org in eu-west-1",
      "last-modified": snapshot.collectedAt,
      version: snapshot.collectedAt,
      "oscal-version": OSCAL_VERSION,
    });
    expect(OSCAL_VERSION).toMatch(/^1\.1\.\d+$/);
    expect(doc["import-ap"].href).toBe("#");
    expect(doc.results).toHaveLength(1);
    const result = doc.results[0];
    expect(result.start).toBe(snapshot.collectedAt);
    expect(result.uuid).toMatch(UUID);
    expect(result.title).toBe("NIST SP 800-53 Rev. 5: 50.0%");
    expect(result["reviewed-controls"]).toEqual({
      "control-selections": [{ "include-controls": ["au-11", "ia-5.1", "sc-12", "sc-28"].map((id) => ({ "control-id": id })) }],
    });

    // Worked out by hand: AU-11 from log retention (passed), IA-5(1) from rotation (failed in B),
    // SC-12 and SC-28 from the secrets' CMK control, which has no data: not satisfied, reason other.
    const findings = result.findings as Finding[];
    expect(findings.map((f) => [f.target["target-id"], f.target.type, f.target.status.state, f.target.status.reason])).toEqual([
      ["au-11_smt", "statement-id", "satisfied", "pass"],
      ["ia-5.1_smt", "statement-id", "not-satisfied", "fail"],
      ["sc-12_smt", "statement-id", "not-satisfied", "other"],
      ["sc-28_smt", "statement-id", "not-satisfied", "other"],
    ]);

    const observations = result.observations as Array<{ uuid: string; title: string; methods: string[]; collected: string; description: string }>;
    expect(observations.map((o) => o.title)).toEqual([
      `LOGS-RETENTION: ${controls[0]!.title}`,
      `SECRETS-CMK: ${controls[2]!.title}`,
      `SECRETS-ROTATION: ${controls[1]!.title}`,
    ]);
    for (const o of observations) {
      expect(o.methods).toEqual(["TEST"]);
      expect(o.collected).toBe(snapshot.collectedAt);
    }
    expect(observations[2]!.description).toBe("Failed: AWS Config secretsmanager-rotation-enabled-check: 1 compliant, 1 non-compliant cells.");
    const byTitle = new Map(observations.map((o) => [o.title.split(":")[0], o.uuid]));
    expect(findings.map((f) => f["related-observations"].map((r) => r["observation-uuid"]))).toEqual([
      [byTitle.get("LOGS-RETENTION")],
      [byTitle.get("SECRETS-ROTATION")],
      [byTitle.get("SECRETS-CMK")],
      [byTitle.get("SECRETS-CMK")],
    ]);
    const uuids = [doc.uuid, result.uuid, ...observations.map((o) => o.uuid), ...findings.map((f) => f.uuid)];
    for (const u of uuids) expect(u).toMatch(UUID);
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  it("never reports a requirement without data as satisfied, even when every control with data passed", () => {
    const passing = { ...snapshot, cells: snapshot.cells.map((c) => ({ ...c, status: "COMPLIANT" as const })) };
    const findings = JSON.parse(render(passing))["assessment-results"].results[0].findings as Finding[];
    const satisfied = findings.filter((f) => f.target.status.state === "satisfied").map((f) => f.target["target-id"]);
    expect(satisfied).toEqual(["au-11_smt", "ia-5.1_smt"]);
  });

  it("is byte-identical for the same snapshot, and names another collection with other UUIDs", () => {
    expect(render(snapshot)).toBe(render(structuredClone(snapshot)));
    const later = JSON.parse(render({ ...snapshot, collectedAt: "2026-11-27T08:00:00.000Z" }))["assessment-results"];
    const now = JSON.parse(render(snapshot))["assessment-results"];
    expect(later.uuid).not.toBe(now.uuid);
    expect(later.results[0].findings[0].uuid).not.toBe(now.results[0].findings[0].uuid);
  });

  it("is written by baseline report --oscal with the other outputs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "report-oscal-"));
    try {
      writeFileSync(join(dir, "snapshot.json"), JSON.stringify(snapshot));
      const lines: string[] = [];
      const code = await runReport({ fromSnapshot: join(dir, "snapshot.json"), securityhub: true, oscal: join(dir, "ar.json") }, (l) => lines.push(l));
      expect(code).toBe(0);
      expect(lines).toContain(`wrote ${join(dir, "ar.json")}`);
      const doc = JSON.parse(readFileSync(join(dir, "ar.json"), "utf8"))["assessment-results"];
      // The whole catalog's NIST view: every reviewed control has a finding.
      const reviewed = doc.results[0]["reviewed-controls"]["control-selections"][0]["include-controls"].map((c: { "control-id": string }) => c["control-id"]);
      expect(reviewed).toContain("ia-5.1");
      expect((doc.results[0].findings as Finding[]).map((f) => f.target["target-id"])).toEqual(reviewed.map((id: string) => `${id}_smt`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // NIST publishes the compiled JSON schema with each OSCAL release, not in the repository, and the
  // tests run offline: give it as OSCAL_AR_SCHEMA=path/to/oscal_assessment-results_schema.json.
  const schemaFile = process.env["OSCAL_AR_SCHEMA"];
  it.skipIf(!schemaFile)("validates against NIST's assessment-results JSON schema (OSCAL_AR_SCHEMA)", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile!, "utf8")));
    for (const doc of [render(snapshot), renderOscal(buildScorecard(snapshot))]) {
      expect(validate(JSON.parse(doc)), JSON.stringify(validate.errors)).toBe(true);
    }
    // The schema does reject what OSCAL forbids.
    const broken = JSON.parse(render(snapshot));
    broken["assessment-results"].results[0].findings[0].target.status.state = "passed";
    expect(validate(broken)).toBe(false);
  });
});
