import { matchesAction } from "../access/matching.js";
import { BROKER_STS_ACTIONS } from "./broker-policy.js";
import { isKnownConditionOperator, toList, type Statement } from "./document.js";
import type { WorkloadCertificate } from "./roles-anywhere.js";
import type { OutboundTokenGrant } from "./value-policies.js";

/**
 * The must-never list (shared/reference/policy-safety.md) as data: each rule has a
 * fixed id, the reason it is never produced and the controls it answers, and one
 * predicate saying where a subject breaks it. The loader reports every finding at
 * its config position; the builders assert none, so nothing reaches the
 * synthesized JSON past a rule.
 */
export interface Rule<S> {
  readonly id: string;
  /** Why the generator never produces it, and what to write instead; every message ends with it. */
  readonly reason: string;
  /** Checkov and Security Hub controls the rule answers. */
  readonly maps: readonly string[];
  /** What in `subject` breaks the rule, each as the words put before the reason; none when it keeps the rule. */
  readonly breaches: (subject: S) => string[];
}

export interface RuleSet<S> {
  readonly rules: readonly Rule<S>[];
  /** Report only the first rule broken, when the later ones would restate it (a `*` principal is also no role ARN). */
  readonly firstOnly: boolean;
}

/** Every message the set gives for `subject`, in rule order; empty when it keeps them all. */
export function findings<S>(set: RuleSet<S>, subject: S): string[] {
  const messages: string[] = [];
  for (const rule of set.rules) {
    for (const breach of rule.breaches(subject)) messages.push(`${breach}${rule.reason}`);
    if (set.firstOnly && messages.length > 0) return messages.slice(0, 1);
  }
  return messages;
}

/** A builder's guard: throws with every finding (after `where`, if given), so a caller bypassing the loader cannot produce a must-never policy. */
export function assertKept<S>(set: RuleSet<S>, subject: S, where?: string): void {
  const messages = findings(set, subject);
  if (messages.length > 0) throw new Error(`${where ? `${where}: ` : ""}${messages.join("; ")}`);
}

export type StatementSubject = Pick<Statement, "Effect" | "Action" | "Resource" | "Condition">;

const allows = (s: StatementSubject): string[] => (s.Effect === "Allow" ? toList(s.Action) : []);
/** An action pattern naming every action of every service. */
export const isEveryAction = (action: string): boolean => action === "*" || action === "*:*";
/** An action pattern naming every action of one service (service prefixes match in any case). */
export const isServiceWide = (action: string): boolean => /^[a-z0-9-]+:\*$/i.test(action);

function isEveryResource(resource: string): boolean {
  return resource === "*" || /^arn:(\*|aws[a-z-]*:(\*|[a-z0-9-]+:[^:]*:[^:]*:\*))$/.test(resource);
}

/** An Allow of `dangerous` on every resource; every key or role of an account, unconditioned, is as broad as `*`. */
function onEveryResource(dangerous: string): (s: StatementSubject) => string[] {
  return (s) => {
    const resources = toList(s.Resource);
    const every = resources.some(isEveryResource) || (!s.Condition && resources.some((r) => /:(key|role)\/\*$/.test(r)));
    const granted = allows(s).some((a) => !isEveryAction(a) && !isServiceWide(a) && matchesAction(a, dangerous));
    return every && granted ? [`${dangerous} on every resource: `] : [];
  };
}

/** The conditions of any statement, in any policy. */
export const CONDITIONS: RuleSet<Pick<Statement, "Condition">> = {
  firstOnly: false,
  rules: [
    {
      id: "CONDITION-OPERATOR-KNOWN",
      reason: "IAM never matches it, so the statement silently does nothing (a Deny stops nothing)",
      maps: [],
      breaches: (s) =>
        Object.keys(s.Condition ?? {})
          .filter((operator) => !isKnownConditionOperator(operator))
          .map((operator) => `unknown condition operator ${JSON.stringify(operator)}: `),
    },
  ],
};

/** Statements of identity and session policies; a Deny may be broad, since it only takes permissions away. */
export const IDENTITY_STATEMENT: RuleSet<StatementSubject> = {
  firstOnly: false,
  rules: [
    ...CONDITIONS.rules,
    {
      id: "ACTION-FORM",
      reason: "is not an action of the form service:Action",
      maps: [],
      breaches: (s) =>
        toList(s.Action)
          .filter((a) => a !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a))
          .map((a) => `${JSON.stringify(a)} `),
    },
    {
      id: "NO-ALLOW-EVERY-ACTION",
      reason: "allows every action of every service (full admin); name the actions",
      maps: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_49", "CKV_AWS_63", "IAM.1", "IAM.21"],
      breaches: (s) =>
        allows(s)
          .filter(isEveryAction)
          .map((a) => `action ${JSON.stringify(a)} `),
    },
    {
      id: "NO-SERVICE-WIDE-ALLOW",
      reason: "allows every action of the service, its administration included; name the actions",
      maps: ["IAM.21"],
      breaches: (s) =>
        allows(s)
          .filter(isServiceWide)
          .map((a) => `action ${JSON.stringify(a)} `),
    },
    {
      id: "NO-PASSROLE-ON-EVERY-ROLE",
      reason: "passing any role to a service is a privilege-escalation path; name the role ARNs",
      maps: ["CKV_AWS_286"],
      breaches: onEveryResource("iam:PassRole"),
    },
    {
      id: "NO-DECRYPT-WITH-EVERY-KEY",
      reason: "decrypting with every key the account can reach exposes every encrypted secret; name the keys (grants.keys)",
      maps: ["KMS.1", "KMS.2"],
      breaches: onEveryResource("kms:Decrypt"),
    },
    {
      id: "NO-REENCRYPT-FROM-EVERY-KEY",
      reason: "re-encrypting from every key exposes what every key protects; name the keys (grants.keys)",
      maps: ["KMS.1", "KMS.2"],
      breaches: onEveryResource("kms:ReEncryptFrom"),
    },
    {
      id: "NO-FORALLVALUES-ON-CLAIMS",
      reason: "also matches a token without that claim; use StringEquals",
      maps: ["CKV_AWS_358"],
      breaches: (s) =>
        Object.entries(s.Condition ?? {})
          .filter(([operator]) => operator.startsWith("ForAllValues:"))
          .flatMap(([, byKey]) => Object.keys(byKey).filter((key) => /:(sub|aud)$/.test(key)))
          .map((key) => `ForAllValues on ${key} `),
    },
  ],
};

/** A broker's own statements: its sts permissions are derived from access rules, so a path or name typo cannot slip through a literal ARN. */
export const BROKER_STATEMENT: RuleSet<{ role: string; actions: string[] }> = {
  firstOnly: false,
  rules: [
    {
      id: "BROKER-STS-DERIVED",
      reason: "permissions are generated from access.rules (exactly the brokered roles it hands out, path included); remove this statement",
      maps: [],
      breaches: ({ role, actions }) =>
        actions.some((a) => BROKER_STS_ACTIONS.some((sts) => matchesAction(a, sts))) ? [`${role} is a broker: its ${BROKER_STS_ACTIONS.join(", ")} `] : [],
    },
  ],
};

/** Managed policies granting `*:*`. */
const ADMIN_POLICIES = ["arn:aws:iam::aws:policy/AdministratorAccess"];

export const MANAGED_POLICY: RuleSet<{ arn: string; kind: string }> = {
  firstOnly: false,
  rules: [
    {
      id: "ADMIN-ONLY-BREAK-GLASS",
      reason: "grants every action on every resource (*:*); only a break-glass role (MFA, short session) may carry it; grant what the role needs instead",
      maps: ["CKV_AWS_274", "IAM.1"],
      breaches: ({ arn, kind }) => (ADMIN_POLICIES.includes(arn) && kind !== "break-glass" ? [`${arn} `] : []),
    },
  ],
};

/** A role ARN another role trusts, or a principal a policy names: the broadest problem only. */
export const TRUSTED_PRINCIPAL: RuleSet<string> = {
  firstOnly: true,
  rules: [
    {
      id: "NO-TRUST-IN-EVERYONE",
      reason: "trusts everyone (every AWS account): name the exact role ARNs",
      maps: ["CKV_AWS_60", "CKV_AWS_61"],
      breaches: (arn) => (arn === "*" || arn === "arn:aws:iam::*:root" ? [`principal ${JSON.stringify(arn)} `] : []),
    },
    {
      id: "NO-WILDCARD-PRINCIPAL",
      reason: "has a wildcard: any role it matches, present or future, could assume this one; name exact role ARNs",
      maps: ["CKV_AWS_60", "CKV_AWS_61"],
      breaches: (arn) => (/[*?]/.test(arn) ? [`principal ${JSON.stringify(arn)} `] : []),
    },
    {
      id: "NO-WHOLE-ACCOUNT-TRUST",
      reason: "trusts a whole account: anyone there with sts:AssumeRole could assume this role; name the exact role ARN",
      maps: ["CKV_AWS_60", "CKV_AWS_61"],
      breaches: (arn) => (/^arn:aws:iam::\d{12}:root$/.test(arn) || /^\d{12}$/.test(arn) ? [`principal ${JSON.stringify(arn)} `] : []),
    },
    {
      id: "ROLE-ARN-FORM",
      reason: "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
      maps: [],
      breaches: (arn) => (/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn) ? [] : [`${JSON.stringify(arn)} `]),
    },
  ],
};

const GITHUB_NAME = "[A-Za-z0-9_.-]+";
const GITHUB_CONTEXT = "(pull_request|environment:[A-Za-z0-9_.-]+|ref:refs/(heads|tags)/[A-Za-z0-9._/-]+)";
const LEGACY_SUBJECT = new RegExp(`^repo:${GITHUB_NAME}/${GITHUB_NAME}:${GITHUB_CONTEXT}$`);
const IMMUTABLE_SUBJECT = new RegExp(`^repo:${GITHUB_NAME}@[1-9][0-9]*/${GITHUB_NAME}@[1-9][0-9]*:${GITHUB_CONTEXT}$`);
/** The owner/repository part of a subject that carries ids, whatever follows. */
const ID_PART = /^repo:([^/:]*)\/([^/:]*):/;
const pinned = (subject: string) => LEGACY_SUBJECT.test(subject) || IMMUTABLE_SUBJECT.test(subject);

/**
 * A GitHub Actions OIDC subject a role trusts, pinned exactly: a wildcard lets any
 * repository (or any branch, or any fork's pull request) of the matched scope assume the role.
 */
export const GITHUB_SUBJECT: RuleSet<string> = {
  firstOnly: true,
  rules: [
    {
      id: "GITHUB-SUBJECT-NO-WILDCARD",
      reason:
        "has a wildcard: any workflow matching it (another repository, branch or environment) could assume the role; pin it exactly, e.g. repo:OWNER@OWNER_ID/REPO@REPO_ID:environment:prod",
      maps: ["CKV_AWS_358", "CKV_AWS_393"],
      breaches: (subject) => (/[*?]/.test(subject) ? [`OIDC subject ${JSON.stringify(subject)} `] : []),
    },
    {
      id: "GITHUB-SUBJECT-NUMERIC-IDS",
      reason:
        "is not NAME@ID with a numeric id (digits only); GitHub's immutable subject names both, repo:OWNER@OWNER_ID/REPO@REPO_ID:…, ids from gh api repos/OWNER/REPO --jq '.owner.id, .id'",
      maps: ["CKV_AWS_358"],
      breaches: (subject) => {
        const ids = ID_PART.exec(subject);
        if (pinned(subject) || !ids || !subject.includes("@")) return [];
        const bad = [ids[1]!, ids[2]!].find((part) => !/^[A-Za-z0-9_.-]+@[1-9][0-9]*$/.test(part));
        return bad === undefined ? [] : [`OIDC subject ${JSON.stringify(subject)}: ${JSON.stringify(bad)} `];
      },
    },
    {
      id: "GITHUB-SUBJECT-PINNED",
      reason:
        "is not a pinned subject: use repo:OWNER@OWNER_ID/REPO@REPO_ID: (or the name-only repo:OWNER/REPO:) followed by environment:NAME, ref:refs/heads/BRANCH or pull_request",
      maps: ["CKV_AWS_358", "CKV_AWS_393"],
      breaches: (subject) => (pinned(subject) ? [] : [`OIDC subject ${JSON.stringify(subject)} `]),
    },
  ],
};

/** A workload certificate a Roles Anywhere role trusts: matched exactly, down to its CN. */
export const WORKLOAD_CERTIFICATE: RuleSet<WorkloadCertificate> = {
  firstOnly: true,
  rules: [
    {
      id: "CERTIFICATE-CN-NAMED",
      reason: "name the certificate's subject CN: without it every certificate the CA issues (with the other fields) could assume the role",
      maps: [],
      breaches: (cert) => (cert.subject.CN ? [] : [""]),
    },
    {
      id: "CERTIFICATE-NO-WILDCARD",
      reason: "has a wildcard: certificate fields are matched exactly; name each workload certificate",
      maps: [],
      breaches: (cert) =>
        [...Object.values(cert.subject), ...Object.values(cert.issuer ?? {})]
          .filter((value): value is string => value !== undefined && /[*?]/.test(value))
          .map((value) => `${JSON.stringify(value)} `),
    },
  ],
};

/** IAM outbound identity federation: the audiences a workload may mint tokens for, each named exactly. */
export const OUTBOUND_TOKEN: RuleSet<Pick<OutboundTokenGrant, "audiences">> = {
  firstOnly: true,
  rules: [
    {
      id: "TOKEN-AUDIENCES-NAMED",
      reason: "name the audiences the tokens are for: a token for any audience could be replayed to any service trusting this account",
      maps: [],
      breaches: (grant) => (grant.audiences.length === 0 ? [""] : []),
    },
    {
      id: "TOKEN-AUDIENCE-NO-WILDCARD",
      reason: "has a wildcard: the workload could mint tokens for services that never should trust it; name each audience exactly",
      maps: [],
      breaches: (grant) => grant.audiences.filter((aud) => /[*?]/.test(aud)).map((aud) => `audience ${JSON.stringify(aud)} `),
    },
  ],
};
