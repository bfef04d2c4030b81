import { createHash } from "node:crypto";
import type { FrameworkView, RequirementStatus, Scorecard } from "../model/types.js";
import { formatPercent } from "./format.js";

/** The OSCAL release whose assessment-results model the export follows. */
export const OSCAL_VERSION = "1.1.3";

/** RFC 4122 name-based UUID (version 5, SHA-1): the same names give the same UUID on every run. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 4122's namespace for URLs and URNs. */
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
const NAMESPACE = uuidV5(URL_NAMESPACE, "urn:org-baseline:report:oscal-assessment-results");

/** `IA-5(1)` as the NIST SP 800-53 r5 OSCAL catalog names it: `ia-5.1`. */
export function oscalControlId(requirement: string): string {
  return requirement.toLowerCase().replace(/\((\d+)\)/g, ".$1");
}

const STATE: Record<RequirementStatus, { state: "satisfied" | "not-satisfied"; reason: "pass" | "fail" | "other" }> = {
  PASSED: { state: "satisfied", reason: "pass" },
  FAILED: { state: "not-satisfied", reason: "fail" },
  // Without evidence a requirement is not shown satisfied; `other` keeps it apart from a failure.
  NO_DATA: { state: "not-satisfied", reason: "other" },
};

/**
 * The NIST SP 800-53 r5 framework view as an OSCAL assessment-results document (JSON): one
 * result for the collection, an observation per catalog control (its evidence), and a finding
 * per requirement whose target is the control's statement (`ia-5.1_smt`) and whose status is
 * `satisfied` only when the requirement PASSED. UUIDs are name-based on the collection
 * (source and `collectedAt`), so the same snapshot gives byte-identical output.
 */
export function renderOscal(card: Scorecard): string {
  const nist = card.frameworks.find((f) => f.id === "nist-800-53");
  if (!nist) throw new Error("OSCAL export: the scorecard has no NIST SP 800-53 view");
  const source = card.source;
  const subject = `${source.kind}|${source.aggregator ?? ""}|${source.region ?? ""}|${card.collectedAt}`;
  const id = (...parts: string[]) => uuidV5(NAMESPACE, [subject, ...parts].join("|"));

  const controls = new Map<string, FrameworkView["requirements"][number]["controls"][number]>();
  for (const requirement of nist.requirements) for (const control of requirement.controls) controls.set(control.controlId, control);
  const observations = [...controls.values()]
    .sort((a, b) => (a.controlId < b.controlId ? -1 : a.controlId > b.controlId ? 1 : 0))
    .map((control) => ({
      uuid: id("observation", control.controlId),
      title: `${control.controlId}: ${control.title}`,
      description: `${statusWord(control.status)}: ${control.evidence}.`,
      methods: ["TEST"],
      types: ["finding"],
      collected: card.collectedAt,
    }));

  const findings = nist.requirements.map((requirement) => {
    const { state, reason } = STATE[requirement.status];
    const evidence = requirement.controls.map((c) => `${c.controlId} ${statusWord(c.status).toLowerCase()}`).join(", ");
    return {
      uuid: id("finding", requirement.id),
      title: `${requirement.id} ${requirement.title}`,
      description: `${statusWord(requirement.status)}: ${evidence}. Satisfied only when every catalog control mapped to ${requirement.id} has data and passes.`,
      target: {
        type: "statement-id",
        "target-id": `${oscalControlId(requirement.id)}_smt`,
        status: {
          state,
          reason,
          ...(requirement.status === "NO_DATA" ? { remarks: "No data: no mapped control has failed, but not every one has evidence." } : {}),
        },
      },
      "related-observations": requirement.controls.map((c) => ({ "observation-uuid": id("observation", c.controlId) })),
    };
  });

  const where = [source.aggregator ? `AWS Config aggregator ${source.aggregator}` : "AWS Config", source.region].filter(Boolean).join(" in ");
  const doc = {
    "assessment-results": {
      uuid: id("assessment-results"),
      metadata: {
        title: `${nist.title} assessment results: ${where}`,
        "last-modified": card.collectedAt,
        version: card.collectedAt,
        "oscal-version": OSCAL_VERSION,
      },
      "import-ap": {
        href: "#",
        remarks:
          "No separate assessment plan: the org-baseline controls catalog (modules/controls/catalog.ts) and its NIST SP 800-53 r5 mappings define what is assessed.",
      },
      results: [
        {
          uuid: id("result"),
          title: `${nist.title}: ${formatPercent(nist.score)}`,
          description:
            `Automated assessment by baseline report from ${where} (${source.kind === "live" ? "read live" : "AWS CLI exports"}) and Security Hub CSPM: ` +
            `${nist.passed} requirements satisfied, ${nist.failed} not satisfied, ${nist.noData} without data (not satisfied, reason other); ` +
            `score ${formatPercent(nist.score)} = satisfied / (satisfied + failed).`,
          start: card.collectedAt,
          "reviewed-controls": {
            "control-selections": [{ "include-controls": nist.requirements.map((r) => ({ "control-id": oscalControlId(r.id) })) }],
          },
          ...(observations.length > 0 ? { observations } : {}),
          ...(findings.length > 0 ? { findings } : {}),
        },
      ],
    },
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

function statusWord(status: RequirementStatus): string {
  return status === "PASSED" ? "Passed" : status === "FAILED" ? "Failed" : "No data";
}
