import { describe, expect, it } from "vitest";
import { KEY_CRYPTO_ACTIONS, keyPolicy } from "../../modules/policies/key-policy.js";
import { identityPolicy, sessionPolicy } from "../../modules/policies/identity-policy.js";
import * as mustNever from "../../modules/policies/must-never.js";
import { findings, type Rule, type RuleSet } from "../../modules/policies/must-never.js";
import { principalsByAccount } from "../../modules/policies/principals.js";
import { rolesAnywhereTrust } from "../../modules/policies/roles-anywhere.js";
import { githubOidcTrust } from "../../modules/policies/trust-policy.js";
import { outboundTokenStatements } from "../../modules/policies/value-policies.js";

/**
 * Every rule of the must-never list, with a subject that breaks it and one that keeps
 * it. A rule added without a case here fails the first test.
 */
const ROLE = "arn:aws:iam::111111111111:role/app";
const allow = (Action: string[], Resource: string[] = ["arn:aws:s3:::b/*"]) => ({ Effect: "Allow" as const, Action, Resource });

const CASES: Record<string, { breaks: unknown; keeps: unknown }> = {
  "CONDITION-OPERATOR-KNOWN": {
    breaks: { ...allow(["s3:GetObject"]), Condition: { StringEqual: { "aws:PrincipalOrgID": "o-1" } } },
    keeps: { ...allow(["s3:GetObject"]), Condition: { "ForAnyValue:StringEqualsIfExists": { "aws:PrincipalOrgID": "o-1" } } },
  },
  "ACTION-FORM": { breaks: allow(["s3 GetObject"]), keeps: allow(["s3:Get*"]) },
  "NO-ALLOW-EVERY-ACTION": { breaks: allow(["*:*"]), keeps: { Effect: "Deny", Action: ["*"], Resource: ["*"] } },
  "NO-SERVICE-WIDE-ALLOW": { breaks: allow(["s3:*"]), keeps: allow(["s3:GetObject"]) },
  "NO-PASSROLE-ON-EVERY-ROLE": { breaks: allow(["iam:Pass*"], ["arn:aws:iam::111111111111:role/*"]), keeps: allow(["iam:PassRole"], [ROLE]) },
  "NO-DECRYPT-WITH-EVERY-KEY": {
    breaks: allow(["kms:Decrypt"], ["*"]),
    keeps: {
      ...allow(["kms:Decrypt"], ["arn:aws:kms:eu-west-1:111111111111:key/*"]),
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/app" } },
    },
  },
  "NO-REENCRYPT-FROM-EVERY-KEY": { breaks: allow(["kms:ReEncrypt*"], ["arn:aws:kms:eu-west-1:111111111111:*"]), keeps: allow(["kms:ReEncryptTo"], ["*"]) },
  "NO-FORALLVALUES-ON-CLAIMS": {
    breaks: { ...allow(["s3:GetObject"]), Condition: { "ForAllValues:StringEquals": { "token.actions.githubusercontent.com:sub": "repo:o/r:pull_request" } } },
    keeps: { ...allow(["s3:GetObject"]), Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:pull_request" } } },
  },
  "BROKER-STS-DERIVED": { breaks: { role: "broker", actions: ["sts:Assume*"] }, keeps: { role: "broker", actions: ["sts:GetCallerIdentity"] } },
  "ADMIN-ONLY-BREAK-GLASS": {
    breaks: { arn: "arn:aws:iam::aws:policy/AdministratorAccess", kind: "human" },
    keeps: { arn: "arn:aws:iam::aws:policy/AdministratorAccess", kind: "break-glass" },
  },
  "NO-TRUST-IN-EVERYONE": { breaks: "arn:aws:iam::*:root", keeps: ROLE },
  "NO-WILDCARD-PRINCIPAL": { breaks: "arn:aws:iam::111111111111:role/app-*", keeps: ROLE },
  "NO-WHOLE-ACCOUNT-TRUST": { breaks: "arn:aws:iam::111111111111:root", keeps: ROLE },
  "ROLE-ARN-FORM": { breaks: "arn:aws:iam::111111111111:user/alice", keeps: "arn:aws:iam::111111111111:role/jit/app" },
  "GITHUB-SUBJECT-NO-WILDCARD": { breaks: "repo:o/r:ref:refs/heads/*", keeps: "repo:o/r:ref:refs/heads/main" },
  "GITHUB-SUBJECT-NUMERIC-IDS": { breaks: "repo:o@01/r@2:pull_request", keeps: "repo:o@1/r@2:pull_request" },
  "GITHUB-SUBJECT-PINNED": { breaks: "repo:o/r", keeps: "repo:o/r:environment:prod" },
  "CERTIFICATE-CN-NAMED": { breaks: { subject: { OU: "platform" } }, keeps: { subject: { CN: "backup01.example.com", OU: "platform" } } },
  "CERTIFICATE-NO-WILDCARD": { breaks: { subject: { CN: "backup01" }, issuer: { CN: "*.example.com" } }, keeps: { subject: { CN: "backup01" } } },
  "TOKEN-AUDIENCES-NAMED": { breaks: { audiences: [] }, keeps: { audiences: ["https://api.example.com"] } },
  "TOKEN-AUDIENCE-NO-WILDCARD": { breaks: { audiences: ["https://*.example.com"] }, keeps: { audiences: ["https://api.example.com"] } },
};

const sets = Object.entries(mustNever).filter((entry): entry is [string, RuleSet<unknown>] => {
  const value = entry[1] as Partial<RuleSet<unknown>>;
  return typeof value === "object" && Array.isArray(value.rules);
});
const rules = new Map<string, { set: RuleSet<unknown>; rule: Rule<unknown> }>();
for (const [, set] of sets) for (const rule of set.rules) rules.set(rule.id, { set, rule });

describe("the must-never list", () => {
  it("gives every rule a unique id, a reason and a case here", () => {
    const ids = sets.flatMap(([, set]) => set.rules.map((r) => r.id));
    expect(ids.length).toBeGreaterThan(15);
    // CONDITIONS is also part of IDENTITY_STATEMENT; every other rule has one home.
    expect(ids.filter((id) => id !== "CONDITION-OPERATOR-KNOWN").length).toBe(new Set(ids).size - 1);
    for (const { rule } of rules.values()) expect(rule.reason.length, rule.id).toBeGreaterThan(20);
    expect([...rules.keys()].sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.keys(CASES))("%s: refuses its case with its reason, and lets the safe one through", (id) => {
    const { set, rule } = rules.get(id)!;
    const { breaks, keeps } = CASES[id]!;
    expect(rule.breaches(breaks)).not.toEqual([]);
    expect(findings(set, breaks).some((m) => m.endsWith(rule.reason))).toBe(true);
    expect(rule.breaches(keeps)).toEqual([]);
  });

  it("reports every broken statement rule at once, and only the first of a principal's", () => {
    const statement = { Effect: "Allow" as const, Action: ["*", "s3:*", "iam:PassRole", "bad"], Resource: ["*"], Condition: { StringEqual: { k: "v" } } };
    expect(findings(mustNever.IDENTITY_STATEMENT, statement)).toHaveLength(5);
    expect(findings(mustNever.TRUSTED_PRINCIPAL, "*")).toEqual(['principal "*" trusts everyone (every AWS account): name the exact role ARNs']);
  });
});

describe("builders assert the must-never list", () => {
  it("refuses a hand-written statement and a session policy statement", () => {
    expect(() => identityPolicy({ statements: [allow(["iam:PassRole"], ["*"])] })).toThrow(/privilege-escalation/);
    expect(() => sessionPolicy([{ effect: "Allow", actions: ["s3:*"], resources: ["*"] }])).toThrow(/every action of the service/);
  });

  it("refuses a whole account, a wildcard or a user as a named principal", () => {
    expect(() => principalsByAccount([ROLE, "arn:aws:iam::111111111111:root"])).toThrow(/trusts a whole account/);
    expect(() => principalsByAccount(["arn:aws:iam::111111111111:role/*"])).toThrow(/has a wildcard/);
    expect(() => principalsByAccount(["arn:aws:iam::111111111111:user/alice"])).toThrow(/not an IAM role ARN/);
    expect(principalsByAccount([ROLE]).roots).toEqual(["arn:aws:iam::111111111111:root"]);
  });

  it("refuses loose OIDC subjects, certificates and token audiences", () => {
    expect(() => githubOidcTrust({ providerArn: "p", subjects: ["repo:o/*"] })).toThrow(/wildcard/);
    expect(() => rolesAnywhereTrust({ accountId: "111111111111", trustAnchorArn: "a", certificates: [{ subject: { OU: "x" } }] })).toThrow(/subject CN/);
    expect(() => outboundTokenStatements({ audiences: ["*"], maxDurationSeconds: 300 })).toThrow(/wildcard/);
    expect(() => outboundTokenStatements({ audiences: ["a"], maxDurationSeconds: 7200 })).toThrow(/outside 60-3600 s/);
  });

  it("refuses an unknown condition operator on a key's service user", () => {
    expect(() =>
      keyPolicy({
        accountId: "111111111111",
        serviceUsers: [{ sid: "Logs", service: "logs.amazonaws.com", actions: [...KEY_CRYPTO_ACTIONS], conditions: { StringEqual: { k: "v" } } }],
      }),
    ).toThrow(/^Logs: unknown condition operator "StringEqual"/);
  });
});
