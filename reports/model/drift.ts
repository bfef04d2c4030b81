import type { ResolvedOrg } from "../../config/model.js";
import type { DriftInput } from "../collect/drift.js";
import type { DriftView } from "./types.js";

/**
 * Drift as declared vs observed: stacks whose real resources differ from what the config
 * synthesizes (from the drift workflow's read-only plans), stacks whose plan failed, and
 * declared stacks no drift summary covers.
 */
export function driftView(input: DriftInput, org: ResolvedOrg): DriftView {
  const byName = new Map(input.stacks.map((s) => [s.stack, s]));
  const name = (accountId: string) => org.accountById.get(accountId)?.name ?? null;
  const drifted = input.stacks
    .filter((s) => s.status === "drifted")
    .map((s) => ({
      stack: s.stack,
      accountId: s.accountId,
      accountName: name(s.accountId),
      region: s.region,
      add: s.add ?? 0,
      change: s.change ?? 0,
      destroy: s.destroy ?? 0,
      resources: s.resources,
      changedOutside: s.changedOutside,
      sha256: s.sha256 ?? null,
      checkedAt: s.checkedAt ?? null,
      runUrl: s.runUrl,
    }));
  return {
    files: input.files,
    checked: input.stacks.filter((s) => s.status !== "failed").length,
    drifted,
    failed: input.stacks.filter((s) => s.status === "failed").map((s) => ({ stack: s.stack, accountId: s.accountId, region: s.region, runUrl: s.runUrl })),
    notChecked: org.stacks.filter((s) => !byName.has(s.name)).map((s) => s.name),
  };
}
