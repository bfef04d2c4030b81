import { random } from "../../support/random.mjs";
import { annotationFor, resourceIdFor, resourceTypeFor, type GenCell, type GeneratedOrg, type GenFinding } from "./org.js";

export interface EarlierSpec {
  seed: number;
  /** How long before `org.asOf` the earlier state was observed. */
  days: number;
  /** Accounts that did not exist yet (created since): no rows, no findings. */
  newAccounts?: string[];
}

/**
 * The same organization some days earlier, for a `--previous` snapshot: somewhat worse, with
 * other failures. Some cells failing now passed then (newly failing); more cells passing now
 * failed then (fixed since); some Security Hub controls flip the same way. Deterministic for a spec.
 */
export function earlierOrg(org: GeneratedOrg, spec: EarlierSpec): GeneratedOrg {
  const rand = random(spec.seed);
  const shift = spec.days * 86_400_000;
  const at = (iso: string) => new Date(Date.parse(iso) - shift).toISOString();
  const gone = new Set(spec.newAccounts ?? []);
  let serial = 0;

  const cells = org.cells
    .filter((c) => !gone.has(c.accountId))
    .map((cell): GenCell => {
      const roll = rand();
      if (cell.status === "NON_COMPLIANT" && roll < 0.3) return { ...cell, status: "COMPLIANT", resources: [] };
      if (cell.status === "COMPLIANT" && roll < 0.12) {
        const count = 1 + Math.floor(rand() * 2);
        const type = cell.resources[0]?.resourceType ?? resourceTypeFor(cell.rule);
        // Serials past the current organization's, so these resources are other ones.
        const resources = Array.from({ length: count }, () => ({
          resourceType: type,
          resourceId: resourceIdFor(type, cell.rule, cell.accountId, cell.region, 1_000_000 + ++serial),
          annotation: annotationFor(cell.rule),
        }));
        return { ...cell, status: "NON_COMPLIANT", resources };
      }
      return cell;
    });

  // Security Hub: some failures are new (passed then); some controls passing everywhere now failed in one account then.
  const kept = org.findings.filter((f) => !gone.has(f.AwsAccountId));
  const failingNow = new Set(kept.filter((f) => f.Compliance.Status === "FAILED").map((f) => f.Compliance.SecurityControlId));
  const failedThen = new Set<string>();
  for (const control of [...new Set(kept.map((f) => f.Compliance.SecurityControlId))]) {
    if (failingNow.has(control) || rand() >= 0.4) continue;
    const candidates = kept.filter((f) => f.Compliance.SecurityControlId === control && f.Compliance.Status === "PASSED");
    if (candidates.length > 0) failedThen.add(candidates[Math.floor(rand() * candidates.length)]!.Id);
  }
  const findings = kept.map((f): GenFinding => {
    const status = failedThen.has(f.Id) ? "FAILED" : f.Compliance.Status === "FAILED" && rand() < 0.3 ? "PASSED" : f.Compliance.Status;
    return { ...f, UpdatedAt: at(f.UpdatedAt), Compliance: { ...f.Compliance, Status: status } };
  });

  return { ...org, asOf: at(org.asOf), accounts: org.accounts.filter((a) => !gone.has(a.id)), cells, findings };
}
