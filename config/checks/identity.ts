import { IAM_MIN_SESSION_SECONDS, SESSION_RANGE, type PrincipalConfig, type RoleConfig } from "../sections/identity.js";
import type { ResolvedAccount, ResolvedRole } from "../model.js";
import { configStatement } from "../../modules/policies/identity-policy.js";
import { findings, GITHUB_SUBJECT, IDENTITY_STATEMENT, MANAGED_POLICY, OUTBOUND_TOKEN, TRUSTED_PRINCIPAL } from "../../modules/policies/must-never.js";
import type { PathSegment } from "../errors.js";
import type { Names } from "./names.js";
import type { ConfigCheck, Report } from "./types.js";

/**
 * Execution roles: unique names, session bounds per kind, trusted principals,
 * OIDC subjects, grants that point at existing things, and hand-written statements
 * that stay off the must-never list (policy-safety.md).
 */
export const identityChecks: ConfigCheck = ({ config, accounts }, report, names) => {
  const orgIds = new Set(accounts.map((a) => a.id));
  const pipelineNames = config.pipelines ? [config.pipelines.planRoleName, config.pipelines.applyRoleName] : [];
  if (
    config.pipelines &&
    config.backend.type === "s3" &&
    config.backend.kmsKeyId &&
    !/^arn:aws:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(config.backend.kmsKeyId)
  ) {
    report(["backend", "kmsKeyId"], "give the state key as a key or alias ARN, so the pipeline roles can be granted exactly that key rather than every key");
  }
  if (config.pipelines && config.pipelines.planRoleName === config.pipelines.applyRoleName) {
    report(["pipelines", "applyRoleName"], "the apply role must differ from the read-only plan role");
  }
  accounts.forEach((account, i) => {
    const seen = new Map<string, number>();
    account.roles.forEach((role, j) => {
      const at = (...rest: PathSegment[]): PathSegment[] => ["accounts", i, "roles", j, ...rest];
      const first = seen.get(role.name);
      if (first !== undefined) report(at("name"), `duplicate role name ${JSON.stringify(role.name)}: already used by roles[${first}]`);
      else seen.set(role.name, j);
      if (pipelineNames.includes(role.name)) report(at("name"), `role name ${JSON.stringify(role.name)} is taken by the pipelines' GitHub OIDC roles`);
      checkSession(role, at, report);
      checkTrust(names, role, orgIds, at, report);
      checkGrants(names, account, role, at, report);
      role.managedPolicies.forEach((arn, k) => {
        for (const problem of findings(MANAGED_POLICY, { arn, kind: role.kind })) report(at("managedPolicies", k), problem);
      });
      role.statements.forEach((s, k) => {
        for (const problem of findings(IDENTITY_STATEMENT, configStatement(s))) report(at("statements", k), problem);
      });
    });
  });
};

function checkSession(role: ResolvedRole, at: (...rest: PathSegment[]) => PathSegment[], report: Report): void {
  if (role.maxSessionDuration === undefined) return;
  const [min, max] = SESSION_RANGE[role.kind];
  if (role.maxSessionDuration >= min && role.maxSessionDuration <= max) return;
  const why: Record<RoleConfig["kind"], string> = {
    service: `services renew their sessions themselves; IAM allows ${IAM_MIN_SESSION_SECONDS}-43200 s`,
    "cross-account": `IAM allows ${IAM_MIN_SESSION_SECONDS}-43200 s`,
    human: "a stolen session of a person must expire within the hour",
    "break-glass": "break-glass access is the most powerful and must expire quickly (900 s by default, never over an hour)",
    brokered: "just-in-time access lasts exactly the 900 s the broker granted",
    github: "a CI job's role keeps IAM's minimum of 3600 s, so a leaked token lives at most an hour; a job asks for less with role-duration-seconds",
    "roles-anywhere": "IAM Roles Anywhere issues sessions of 900-3600 s (the profile's duration)",
  };
  const range = min === max ? `${min}` : `${min}-${max}`;
  report(at("maxSessionDuration"), `session duration ${role.maxSessionDuration} s is out of range for a ${role.kind} role (${range} s): ${why[role.kind]}`);
}

function checkTrust(names: Names, role: ResolvedRole, orgIds: Set<string>, at: (...rest: PathSegment[]) => PathSegment[], report: Report): void {
  const checkPrincipal = (p: PrincipalConfig, path: PathSegment[], allowExternal: boolean) => {
    if ("account" in p) {
      // The role itself may live outside this config (an Identity Center role, say): only its account is known here.
      names.account(p.account, [...path, "account"], { why: ": trusted roles must be in an account of this organization" });
      return;
    }
    const [problem] = findings(TRUSTED_PRINCIPAL, p.arn);
    if (problem) return report([...path, "arn"], problem);
    const accountId = p.arn.split(":")[4]!;
    if (!orgIds.has(accountId)) {
      if (!allowExternal) report([...path, "arn"], `${p.arn} is outside the organization; a ${role.kind} role trusts only roles of the organization`);
      else if (role.kind === "cross-account" && !role.externalId) {
        report(
          [...path, "arn"],
          `${p.arn} is outside the organization: a third party must present an external id (set externalId) against the confused deputy`,
        );
      }
    }
  };
  switch (role.kind) {
    case "cross-account":
      role.trusted.forEach((p, k) => checkPrincipal(p, at("trusted", k), true));
      break;
    case "human":
    case "break-glass":
      role.trusted.forEach((p, k) => checkPrincipal(p, at("trusted", k), false));
      break;
    case "brokered":
      // The broker role itself is checked with the access section (config/checks/access.ts).
      names.account(role.broker.account, at("broker", "account"), { why: ": the broker must be a role of this organization" });
      break;
    case "github":
      role.subjects.forEach((subject, k) => {
        if (typeof subject === "string") {
          for (const problem of findings(GITHUB_SUBJECT, subject)) report(at("subjects", k), problem);
          return;
        }
        const kinds = (["environment", "branch", "pullRequest"] as const).filter((key) => subject[key] !== undefined);
        if (kinds.length !== 1) {
          report(
            at("subjects", k),
            `name exactly one of environment, branch and pullRequest: the jobs whose subject the role trusts${kinds.length ? ` (got ${kinds.join(" and ")})` : ""}`,
          );
        }
      });
      break;
    case "service":
      break;
  }
}

function checkGrants(names: Names, account: ResolvedAccount, role: ResolvedRole, at: (...rest: PathSegment[]) => PathSegment[], report: Report): void {
  role.grants.secrets.forEach((ref, k) => {
    const owner = names.account(ref.account, at("grants", "secrets", k));
    const secret = owner && names.secret(owner, ref.name, at("grants", "secrets", k));
    if (!owner || !secret) return;
    if (owner.name !== account.name && !secret.key) {
      report(
        at("grants", "secrets", k),
        `secret ${ref.name} of ${ref.account} is encrypted with the AWS-managed key, which cannot be shared across accounts; give it a customer-managed key (key: ...)`,
      );
    }
  });
  role.grants.keys.forEach((grant, k) => {
    const owner = names.account(grant.key.account, at("grants", "keys", k, "key"));
    if (owner) names.key(owner, grant.key.name, at("grants", "keys", k, "key"));
  });
  role.grants.logGroups.forEach((name, k) => names.logGroup(account, name, at("grants", "logGroups", k)));
  if (role.grants.outboundTokens) {
    for (const problem of findings(OUTBOUND_TOKEN, role.grants.outboundTokens)) report(at("grants", "outboundTokens"), problem);
    for (const key of Object.keys(role.grants.outboundTokens.tags ?? {})) {
      if (key.startsWith("aws:")) report(at("grants", "outboundTokens", "tags", key), "tag keys starting with aws: are reserved");
    }
  }
  if (role.grants.abac) {
    role.grants.abac.tagKeys.forEach((key, k) => {
      if (role.principalTags[key] === undefined) {
        report(
          at("grants", "abac", "tagKeys", k),
          `the role carries no ${key} tag, so aws:PrincipalTag/${key} would be empty and match nothing; add it to the role's tags`,
        );
      }
    });
  }
}
