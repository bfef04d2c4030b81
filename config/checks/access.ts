import { rolesTagged } from "../access.js";
import { configStatement, sessionPolicy } from "../../modules/policies/identity-policy.js";
import { BROKER_STATEMENT, findings, IDENTITY_STATEMENT } from "../../modules/policies/must-never.js";
import { policyJson } from "../../modules/policies/document.js";
import type { RoleConfig } from "../sections/identity.js";
import type { PathSegment } from "../errors.js";
import type { OrgConfig } from "../schema.js";
import { didYouMean } from "../suggest.js";
import { retentionFloor } from "./logs.js";
import type { ConfigCheck, Report } from "./types.js";

/** STS refuses a packed session policy longer than this. */
export const MAX_SESSION_POLICY_CHARS = 2048;
/** STS's shortest session. */
export const MIN_BROKERED_SECONDS = 900;

/**
 * Brokers and the access policy: every broker a brokered role names exists, the
 * deployed broker is a bare Lambda service role (its permissions are derived, never
 * hand-written), and every rule names a brokered role of that broker, known
 * requesters, a duration within the role's bound, a valid ticket pattern and a
 * declared, safe session policy.
 */
export const accessChecks: ConfigCheck = ({ config, accounts }, report) => {
  const brokerRefs = checkBrokerRefs(config, report);
  const access = config.access;
  // A broker's sts permissions come from access: so a path or name typo cannot slip through a literal ARN.
  for (const key of brokerRefs) {
    const [accountName, roleName] = key.split("/") as [string, string];
    const i = config.accounts.findIndex((a) => a.name === accountName);
    const j = config.accounts[i]!.roles.findIndex((r) => r.name === roleName);
    const role = config.accounts[i]!.roles[j]!;
    role.statements.forEach((s, k) => {
      for (const problem of findings(BROKER_STATEMENT, { role: roleName, actions: s.actions })) report(["accounts", i, "roles", j, "statements", k], problem);
    });
  }
  if (!access) return;

  const at = (...rest: PathSegment[]): PathSegment[] => ["access", ...rest];
  const brokerAccountIndex = config.accounts.findIndex((a) => a.name === access.broker.account);
  const brokerAccount = config.accounts[brokerAccountIndex];
  if (!brokerAccount) {
    report(at("broker", "account"), unknownAccount(config, access.broker.account));
  } else {
    const j = brokerAccount.roles.findIndex((r) => r.name === access.broker.role);
    const role = brokerAccount.roles[j];
    if (!role) {
      report(
        at("broker", "role"),
        unknownRole(
          brokerAccount,
          access.broker.role,
          "the broker's execution role must be declared in its account's roles (kind: service, services: [lambda.amazonaws.com])",
        ),
      );
    } else {
      const path = ["accounts", brokerAccountIndex, "roles", j];
      if (role.kind !== "service" || role.services.length !== 1 || role.services[0] !== "lambda.amazonaws.com") {
        report([...path, "kind"], `${role.name} runs the access broker: make it kind: service with services: [lambda.amazonaws.com] and nothing else`);
      }
      const extra = [
        role.managedPolicies.length > 0 && "managedPolicies",
        role.statements.length > 0 && "statements",
        (role.grants.secrets.length > 0 || role.grants.keys.length > 0 || role.grants.logGroups.length > 0 || role.grants.abac) && "grants",
      ].filter((x): x is string => typeof x === "string");
      for (const field of extra) {
        report(
          [...path, field],
          `${role.name} runs the access broker, whose permissions are generated from access: (assume the brokered roles, write its log) and nothing else; remove ${field}`,
        );
      }
    }
  }

  if (brokerAccount && access.broker.retentionDays !== undefined) {
    const floor = retentionFloor(config)(brokerAccount.environment);
    if (access.broker.retentionDays < floor.days) {
      report(
        at("broker", "retentionDays"),
        `${access.broker.retentionDays} days is under the ${brokerAccount.environment} minimum of ${floor.days} (${floor.source})`,
      );
    }
  }

  const policyNames = access.sessionPolicies.map((p) => p.name);
  const seenPolicies = new Map<string, number>();
  access.sessionPolicies.forEach((p, k) => {
    const first = seenPolicies.get(p.name);
    if (first !== undefined) report(at("sessionPolicies", k, "name"), `duplicate session policy ${JSON.stringify(p.name)}: already sessionPolicies[${first}]`);
    else seenPolicies.set(p.name, k);
    let kept = true;
    p.statements.forEach((s, m) => {
      for (const problem of findings(IDENTITY_STATEMENT, configStatement(s))) {
        kept = false;
        report(at("sessionPolicies", k, "statements", m), problem);
      }
    });
    // A refused statement has no session policy to measure; its size is told once the statement is mended.
    const size = kept ? policyJson(sessionPolicy(p.statements)).length : 0;
    if (size > MAX_SESSION_POLICY_CHARS) {
      report(
        at("sessionPolicies", k),
        `the session policy is ${size} characters; STS accepts at most ${MAX_SESSION_POLICY_CHARS}: split the rule or narrow the statements`,
      );
    }
  });

  access.rules.forEach((rule, k) => {
    const r = (...rest: PathSegment[]) => at("rules", k, ...rest);
    const account = accounts.find((a) => a.name === rule.role.account);
    let bound: number | undefined;
    if (!account) report(r("role", "account"), unknownAccount(config, rule.role.account));
    else {
      const role = account.roles.find((x) => x.name === rule.role.role);
      if (!role) report(r("role", "role"), unknownRole(account, rule.role.role, "rules name brokered roles of that account"));
      else if (role.kind !== "brokered")
        report(
          r("role", "role"),
          `${role.name} is a ${role.kind} role: the broker hands out only brokered roles (kind: brokered), which trust nothing but the broker`,
        );
      else {
        bound = role.sessionBound;
        if (role.broker.account !== access.broker.account || role.broker.role !== access.broker.role) {
          report(
            r("role"),
            `${role.name} trusts the broker ${role.broker.account}/${role.broker.role}, but the deployed broker is ${access.broker.account}/${access.broker.role}: it could never assume the role`,
          );
        }
      }
    }
    if (bound !== undefined && (rule.maxDuration < MIN_BROKERED_SECONDS || rule.maxDuration > bound)) {
      report(
        r("maxDuration"),
        `maxDuration ${rule.maxDuration} s is out of range: at least ${MIN_BROKERED_SECONDS} s (STS's shortest session) and never above the role's bound of ${bound} s`,
      );
    }
    rule.requesters.roles.forEach((ref, m) => {
      const owner = config.accounts.find((a) => a.name === ref.account);
      if (!owner) report(r("requesters", "roles", m, "account"), unknownAccount(config, ref.account));
      else if (owner.name === rule.role.account && ref.role === rule.role.role) report(r("requesters", "roles", m), "a role cannot request itself");
    });
    if (rule.requesters.tags && rolesTagged(accounts, rule.requesters.tags).length === 0) {
      report(
        r("requesters", "tags"),
        "no declared role carries these tags: a function URL request carries no principal tags, so tag requesters are resolved against the roles this config declares; tag a role, or name the requester roles",
      );
    }
    if (rule.ticket?.pattern !== undefined) {
      try {
        new RegExp(rule.ticket.pattern, "u");
      } catch (err) {
        report(r("ticket", "pattern"), `not a valid regular expression: ${(err as Error).message}`);
      }
    }
    if (rule.sessionPolicy !== undefined && !policyNames.includes(rule.sessionPolicy)) {
      const guess = didYouMean(rule.sessionPolicy, policyNames);
      report(
        r("sessionPolicy"),
        `no session policy ${JSON.stringify(rule.sessionPolicy)} in access.sessionPolicies${guess ? ` (did you mean "${guess}"?)` : ""}`,
      );
    }
  });
};

/** Every brokered role's broker must be a declared role; returns the brokers as `account/role`. */
function checkBrokerRefs(config: OrgConfig, report: Report): Set<string> {
  const brokers = new Set<string>();
  config.accounts.forEach((account, i) =>
    account.roles.forEach((role, j) => {
      if (role.kind !== "brokered") return;
      const owner = config.accounts.find((a) => a.name === role.broker.account);
      if (!owner) return; // the identity checks report the unknown account
      if (!owner.roles.some((r) => r.name === role.broker.role)) {
        report(["accounts", i, "roles", j, "broker", "role"], unknownRole(owner, role.broker.role, "the broker must be a role declared in that account"));
      } else brokers.add(`${owner.name}/${role.broker.role}`);
    }),
  );
  return brokers;
}

function unknownAccount(config: OrgConfig, name: string): string {
  const guess = didYouMean(
    name,
    config.accounts.map((a) => a.name),
  );
  return `unknown account ${JSON.stringify(name)}${guess ? ` (did you mean "${guess}"?)` : ""}`;
}

function unknownRole(account: { name: string; roles: RoleConfig[] }, name: string, why: string): string {
  const guess = didYouMean(
    name,
    account.roles.map((r) => r.name),
  );
  return `role ${JSON.stringify(name)} does not exist in account ${account.name}${guess ? ` (did you mean "${guess}"?)` : ""}: ${why}`;
}
