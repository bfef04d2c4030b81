import type { OrgConfig } from "../schema.js";
import type { ConfigCheck, Report } from "./types.js";

type AccountConfig = OrgConfig["accounts"][number];

/** The account whose plan role reads the report gate's aggregator: named, else the security account. */
export function reportGateAccount(config: OrgConfig): AccountConfig | undefined {
  const gate = config.pipelines?.reportGate;
  if (!gate) return undefined;
  return gate.account === undefined ? config.accounts.find((a) => a.role === "security") : config.accounts.find((a) => a.name === gate.account);
}

/** The pipelines section names accounts that exist, and the ids its subject form needs. */
export const workflowChecks: ConfigCheck = ({ config }, report, names) => {
  if (config.pipelines) subjectFormatChecks(config.pipelines.github, report);
  // The workflows hand the HCP token to terraform as TF_TOKEN_<host>, which only an ASCII host name can spell.
  if (config.pipelines && config.backend.type === "hcp" && !/^[A-Za-z0-9.-]+$/.test(config.backend.hostname)) {
    report(["backend", "hostname"], "a host name of letters, digits, . and - (write an internationalized name in its xn-- punycode form)");
  }
  const gate = config.pipelines?.reportGate;
  if (!gate) return;
  if (gate.account !== undefined) names.account(gate.account, ["pipelines", "reportGate", "account"], { why: ": expected the name of an account in accounts" });
  else if (!reportGateAccount(config))
    report(["pipelines", "reportGate"], "no account has role security to read the aggregator from: name one with reportGate.account");
};

/**
 * The immutable subject needs both ids. Which form a repository gets is GitHub's choice,
 * so the message says how to tell and what to write for either.
 */
function subjectFormatChecks(github: NonNullable<OrgConfig["pipelines"]>["github"], report: Report): void {
  const { owner, repository, subjectFormat } = github;
  const missing = (["ownerId", "repositoryId"] as const).filter((key) => github[key] === undefined);
  if (subjectFormat === "legacy" || missing.length === 0) return;
  const lookup = `gh api repos/${owner}/${repository} --jq '.owner.id, .id'`;
  // At the (first) missing key: where it goes, and silent when the schema already refused a value there.
  const at = ["pipelines", "github", missing[0]!];
  if (missing.length === 1) {
    report(at, `${missing[0]} is missing: the immutable OIDC subject names both ids (${lookup})`);
  } else if (subjectFormat === "both") {
    report(at, `subjectFormat both trusts the immutable subject repo:${owner}@OWNER_ID/${repository}@REPO_ID:… too: add ownerId and repositoryId (${lookup})`);
  } else {
    report(
      at,
      `add ownerId and repositoryId (${lookup}): GitHub gives repositories created, renamed or transferred since 2026-07-15 (and older ones that opted in) the immutable OIDC subject repo:${owner}@OWNER_ID/${repository}@REPO_ID:…, which the roles must name; if ${owner}/${repository} is older and still gets repo:${owner}/${repository}:…, set subjectFormat: legacy (or both while it migrates)`,
    );
  }
}
