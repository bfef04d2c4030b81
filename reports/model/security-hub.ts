import type { SecurityHubControl, Snapshot } from "../snapshot.js";
import { compare } from "./cells.js";
import { percent } from "./score.js";
import type { SecurityHubTally, SecurityHubView } from "./types.js";

/** Control status per (control, account); duplicates (one per region) fail if any failed. */
function statusByControlAccount(controls: readonly SecurityHubControl[]): Map<string, Map<string, SecurityHubControl>> {
  const byControl = new Map<string, Map<string, SecurityHubControl>>();
  for (const c of controls) {
    let accounts = byControl.get(c.controlId);
    if (!accounts) byControl.set(c.controlId, (accounts = new Map()));
    const seen = accounts.get(c.accountId);
    if (!seen || (seen.status === "PASSED" && c.status === "FAILED")) accounts.set(c.accountId, { ...seen, ...c });
  }
  return byControl;
}

function tally(passed: number, failed: number): SecurityHubTally {
  return { passed, failed, score: percent(passed, passed + failed) };
}

export interface SecurityHubScores {
  view: SecurityHubView;
  byAccount: Map<string, SecurityHubTally>;
}

/** The console's security score, recomputed: no API returns it. */
export function securityHubScores(data: NonNullable<Snapshot["securityHub"]>): SecurityHubScores {
  const byControl = statusByControlAccount(data.controls);
  const perAccount = new Map<string, { passed: number; failed: number }>();
  const controls: SecurityHubView["controls"] = [];
  for (const [controlId, accounts] of byControl) {
    let passedAccounts = 0;
    let failedAccounts = 0;
    let title: string | undefined;
    let severity: string | undefined;
    for (const [accountId, c] of accounts) {
      const acc = perAccount.get(accountId) ?? { passed: 0, failed: 0 };
      if (c.status === "FAILED") {
        failedAccounts++;
        acc.failed++;
      } else {
        passedAccounts++;
        acc.passed++;
      }
      perAccount.set(accountId, acc);
      title ??= c.title;
      severity ??= c.severity;
    }
    controls.push({
      controlId,
      title: title ?? controlId,
      severity: severity ?? null,
      status: failedAccounts > 0 ? "FAILED" : "PASSED",
      passedAccounts,
      failedAccounts,
    });
  }
  controls.sort((a, b) => b.failedAccounts - a.failedAccounts || compare(a.controlId, b.controlId));
  const failed = controls.filter((c) => c.status === "FAILED").length;
  return {
    view: { ...tally(controls.length - failed, failed), controls, failedFindings: data.failedFindings.length },
    byAccount: new Map([...perAccount].map(([id, t]) => [id, tally(t.passed, t.failed)])),
  };
}
