import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  accountRows,
  cellsByDeployedName,
  cellKey,
  complianceRows,
  evaluationRows,
  findingStatisticsV2,
  resourceComplianceItems,
  sourceStatusRows,
} from "./aws-data.js";
import type { GeneratedOrg } from "./org.js";

/**
 * Writes a generated organization as the AWS CLI saves it: one file per call, pages as
 * separate files, the way an operator would export an organization with a shell loop.
 * Per-rule detail files exist only for NON_COMPLIANT cells the advanced query cannot see
 * (accounts that do not record AWS::Config::ResourceCompliance), as `collectLive` would call.
 */
export function writeAwsCliExports(org: GeneratedOrg, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith(".json")) rmSync(join(dir, name));
  const written: string[] = [];
  const write = (name: string, data: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(data, null, 4) + "\n");
    written.push(name);
  };

  const rows = complianceRows(org);
  for (const region of org.regions) {
    const regional = rows.filter((r) => r.AwsRegion === region);
    for (let page = 0; page * 1000 < regional.length || page === 0; page++) {
      write(`describe-aggregate-compliance-by-config-rules.${region}.${String(page + 1).padStart(2, "0")}.json`, {
        AggregateComplianceByConfigRules: regional.slice(page * 1000, page * 1000 + 1000),
      });
    }
    const items = resourceComplianceItems(org).filter((i) => i.awsRegion === region);
    write(`select-aggregate-resource-config.${region}.json`, {
      Results: items.map((i) => JSON.stringify(i)),
      QueryInfo: {
        SelectFields: ["accountId", "awsRegion", "resourceId", "resourceName", "configuration", "configurationItemCaptureTime"].map((Name) => ({ Name })),
      },
    });
  }

  const recording = new Set(org.accounts.filter((a) => a.recordsResourceCompliance).map((a) => a.id));
  const details = cellsByDeployedName(org);
  for (const cell of org.cells) {
    if (cell.status !== "NON_COMPLIANT" || recording.has(cell.accountId)) continue;
    const entry = details.get(cellKey(cell.ruleName, cell.accountId, cell.region))!;
    write(`get-aggregate-compliance-details-by-config-rule.${cell.accountId}.${cell.region}.${cell.ruleName}.json`, {
      AggregateEvaluationResults: evaluationRows(org, entry, "NON_COMPLIANT"),
    });
  }

  write("describe-configuration-aggregator-sources-status.json", { AggregatedSourceStatusList: sourceStatusRows(org) });
  write("organizations-list-roots.json", {
    Roots: [{ Id: org.rootId, Arn: `arn:aws:organizations::${org.accounts[0]!.id}:root/${org.organizationId}/${org.rootId}`, Name: "Root", PolicyTypes: [] }],
  });
  write("organizations-list-accounts.json", { Accounts: accountRows(org) });
  write("organizations-ou-paths.json", { AccountOuPaths: Object.fromEntries(org.accounts.map((a) => [a.id, a.ouPath])) });
  write("securityhub-get-findings.json", { Findings: org.findings });
  write("securityhub-get-finding-statistics-v2.json", { GroupByResults: findingStatisticsV2(org, ["severity", "cloud.account.uid"]) });
  const aa = org.accessAnalyzer;
  if (aa) {
    // What the README's loop saves: the analyzers and the filtered findings per region, then get-finding-v2 per finding.
    for (const region of org.regions) {
      // list-analyzers without --type: the external and the unused-access analyzers alike.
      const analyzers = aa.analyzers.filter((a) => a.region === region).map(({ region: _r, ...a }) => ({ ...a, createdAt: "2026-01-01T00:00:00Z" }));
      write(`accessanalyzer-list-analyzers.${region}.json`, { analyzers });
      if (analyzers.some((a) => a.type === "ORGANIZATION_UNUSED_ACCESS")) {
        write(`accessanalyzer-list-findings-v2.unused-access.${region}.json`, { findings: aa.unusedFindings.filter((f) => f.status === "ACTIVE") });
      }
      if (!analyzers.some((a) => a.type === "ORGANIZATION")) continue;
      const findings = aa.findings.filter(
        (f) =>
          f.analyzerRegion === region && f.status === "ACTIVE" && ["AWS::IAM::Role", "AWS::KMS::Key", "AWS::SecretsManager::Secret"].includes(f.resourceType),
      );
      write(`accessanalyzer-list-findings-v2.${region}.json`, { findings: findings.map(({ analyzerRegion: _r, findingDetails: _d, ...summary }) => summary) });
      for (const { analyzerRegion: _r, ...finding } of findings) write(`accessanalyzer-get-finding-v2.${finding.id}.json`, finding);
    }
  }
  return written;
}
