import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controls } from "../../../modules/controls/catalog.js";
import { collectFromAwsCli } from "../../../reports/collect/aws-cli.js";
import { saveSnapshot } from "../../../reports/collect/snapshot-io.js";
import { generateAccessAnalyzer } from "./access-analyzer.js";
import { writeAwsCliExports } from "./export-cli.js";
import { earlierOrg } from "./history.js";
import { generateOrg, type GeneratedOrg, type OrgSpec } from "./org.js";

/**
 * The sample data behind `npm run report:demo` (reports/demo/): a small organization running
 * the baseline's own controls, with attacker-controlled strings so escaping is visible, a
 * snapshot from a week earlier for the trend, and a config (org.yaml, written by hand) for
 * declared vs observed. Regenerate with `UPDATE_DEMO=1 npx vitest run test/report/collect-demo.test.ts`.
 */
export const DEMO_ROOT = "reports/demo";
export const DEMO_DIR = `${DEMO_ROOT}/aws-cli`;
export const DEMO_PREVIOUS = "previous-snapshot.json";
export const DEMO_CONFIG = `${DEMO_ROOT}/org.yaml`;
/** Saved snapshots before the previous one (`--history`), named as the pipeline's report gate names them. */
export const DEMO_HISTORY = "history";

/** A catalog control still being rolled out: declared by the config, not deployed yet. */
export const DEMO_NOT_DEPLOYED = "secretsmanager-secret-unused";
/** Created since the previous snapshot: it has no earlier score. */
export const DEMO_NEW_ACCOUNT = "research-sandbox";

const catalogRules = controls.flatMap((c) => (c.configRule ? [c.configRule] : []));

export const DEMO_SPEC: OrgSpec = {
  seed: 2055,
  accounts: 10,
  rules: catalogRules.map((r) => r.name).filter((name) => name !== DEMO_NOT_DEPLOYED),
  globalRules: catalogRules.filter((r) => r.global).map((r) => r.name),
  // The home region (global rules run there) first, as in the demo config.
  regions: ["eu-west-1", "us-east-1"],
  securityHubControls: 12,
  hostile: true,
  largeCell: true,
};

export function demoOrg(): GeneratedOrg {
  const org = generateOrg(DEMO_SPEC);
  // The unused-access analyzer in the home region, where the baseline deploys it.
  org.accessAnalyzer = generateAccessAnalyzer(org, { seed: DEMO_SPEC.seed, hostile: true, unusedAccess: DEMO_SPEC.regions[0] });
  return org;
}

/** The organization a week before: somewhat worse, other failures, one account not created yet. */
export function demoPreviousOrg(org: GeneratedOrg = demoOrg()): GeneratedOrg {
  const newAccount = org.accounts.find((a) => a.name === DEMO_NEW_ACCOUNT)!;
  return earlierOrg(org, { seed: 7, days: 7, newAccounts: [newAccount.id] });
}

/**
 * The weeks before the previous snapshot, oldest first: each a week earlier than the next and
 * somewhat worse again, so the history shows the organization improving (with its ups and downs).
 */
export function demoHistoryOrgs(previous: GeneratedOrg = demoPreviousOrg()): GeneratedOrg[] {
  const weeks: GeneratedOrg[] = [];
  let later = previous;
  for (const seed of [8, 9, 10]) weeks.unshift((later = earlierOrg(later, { seed, days: 7 })));
  return weeks;
}

/** `20261115T100000Z.json`: the name the pipeline's report gate saves a snapshot under. */
export function snapshotFileName(collectedAt: string): string {
  return `${collectedAt.slice(0, 19).replace(/[-:]/g, "")}Z.json`;
}

/**
 * Writes the exports to `<root>/aws-cli/`, the previous snapshot to `<root>/previous-snapshot.json`
 * and the weeks before it to `<root>/history/`; returns the paths under root.
 */
export function writeDemo(root: string): string[] {
  const org = demoOrg();
  const exports = writeAwsCliExports(org, join(root, "aws-cli")).map((name) => `aws-cli/${name}`);
  const previous = demoPreviousOrg(org);
  mkdirSync(join(root, DEMO_HISTORY), { recursive: true });
  // Each saved snapshot is what the report collected from that week's exports.
  const save = (earlier: GeneratedOrg, name: string) => {
    const scratch = mkdtempSync(join(tmpdir(), "demo-previous-"));
    try {
      writeAwsCliExports(earlier, scratch);
      saveSnapshot(join(root, name), collectFromAwsCli(scratch));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return name;
  };
  const history = demoHistoryOrgs(previous).map((week) => save(week, `${DEMO_HISTORY}/${snapshotFileName(week.asOf)}`));
  return [...exports, save(previous, DEMO_PREVIOUS), ...history];
}
