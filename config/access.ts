import type { PolicyDocument, Statement } from "../modules/policies/document.js";
import { brokerFunctionArn, brokerLogGroupName, brokerRoleStatements, requesterStatements } from "../modules/policies/broker-policy.js";
import { sessionPolicy } from "../modules/policies/identity-policy.js";
import { byCodePoint } from "../modules/order.js";
import type { ResolvedAccount, ResolvedRole } from "./model.js";
import type { OrgConfig } from "./schema.js";

/**
 * `access:` resolved once: the broker's place and names, each rule with exact ARNs
 * and its session policy as a document, and the identity statements the loader
 * generates (the broker's role, the requesters' right to call it). Assumes the
 * config passed config/checks/access.ts.
 */

export interface ResolvedBroker {
  accountName: string;
  accountId: string;
  region: string;
  roleName: string;
  roleArn: string;
  functionName: string;
  functionArn: string;
  logGroupName: string;
  runtime: string;
  /** Its own, else its account environment's retention. */
  retentionDays: number;
  deniedAlarmThreshold: number;
}

/** A requester as the broker sees it: the role its session belongs to (STS session ARNs carry no path). */
export interface Requester {
  accountId: string;
  role: string;
}

export interface ResolvedAccessRule {
  target: { accountId: string; accountName: string; role: string; roleArn: string; sessionTags: string[] };
  requesters: Requester[];
  maxDurationSeconds: number;
  ticket: { required: boolean; pattern?: string };
  sessionPolicy?: { name: string; document: PolicyDocument };
}

/** A statement the loader wrote into a declared role's identity policy. */
export interface GeneratedStatement {
  account: string;
  role: string;
  roleArn: string;
  statement: Statement;
}

export interface ResolvedAccess {
  organizationId: string;
  broker: ResolvedBroker;
  rules: ResolvedAccessRule[];
  generated: GeneratedStatement[];
  /** Accounts (ids) with a requester outside the broker's account: each gets a function URL permission. */
  requesterAccountIds: string[];
  /** Requester roles this config does not declare (`account/role`): their statements are written where they are managed. */
  undeclaredRequesters: string[];
}

/** Declared roles carrying every one of `tags` as principal tags, in config order. */
export function rolesTagged(accounts: readonly ResolvedAccount[], tags: Record<string, string>): Array<{ account: ResolvedAccount; role: ResolvedRole }> {
  return accounts.flatMap((account) =>
    account.roles.filter((role) => Object.entries(tags).every(([k, v]) => role.principalTags[k] === v)).map((role) => ({ account, role })),
  );
}

export function resolveAccess(config: OrgConfig, accounts: readonly ResolvedAccount[]): ResolvedAccess | undefined {
  const access = config.access;
  if (!access) return undefined;
  const accountOf = (name: string) => {
    const found = accounts.find((a) => a.name === name);
    if (!found) throw new Error(`unknown account ${name}`);
    return found;
  };
  const declaredRole = (accountName: string, name: string) => accountOf(accountName).roles.find((r) => r.name === name);

  const brokerAccount = accountOf(access.broker.account);
  const region = brokerAccount.homeRegion;
  const brokerRole = declaredRole(brokerAccount.name, access.broker.role);
  if (!brokerRole) throw new Error(`unknown broker role ${access.broker.role}`);
  const broker: ResolvedBroker = {
    accountName: brokerAccount.name,
    accountId: brokerAccount.id,
    region,
    roleName: brokerRole.name,
    roleArn: brokerRole.arn,
    functionName: access.broker.functionName,
    functionArn: brokerFunctionArn(region, brokerAccount.id, access.broker.functionName),
    logGroupName: brokerLogGroupName(access.broker.functionName),
    runtime: access.broker.runtime,
    retentionDays: access.broker.retentionDays ?? brokerAccount.retentionDays,
    deniedAlarmThreshold: access.broker.deniedAlarmThreshold,
  };

  const generated: GeneratedStatement[] = [];
  const grantTo = (accountName: string, role: ResolvedRole, statements: Statement[]) => {
    for (const statement of statements) generated.push({ account: accountName, role: role.name, roleArn: role.arn, statement });
  };

  const policies = new Map(access.sessionPolicies.map((p) => [p.name, p]));
  const declaredRequesters = new Map<string, { account: string; role: ResolvedRole }>();
  const undeclaredRequesters = new Set<string>();
  const rules = access.rules.map((rule): ResolvedAccessRule => {
    const targetAccount = accountOf(rule.role.account);
    const target = declaredRole(targetAccount.name, rule.role.role);
    if (!target || target.kind !== "brokered") throw new Error(`${rule.role.account}/${rule.role.role} is not a brokered role`);
    const requesters = new Map<string, Requester>();
    for (const ref of rule.requesters.roles) {
      const account = accountOf(ref.account);
      requesters.set(`${account.id}/${ref.role}`, { accountId: account.id, role: ref.role });
      const declared = declaredRole(account.name, ref.role);
      if (declared) declaredRequesters.set(`${account.name}/${declared.name}`, { account: account.name, role: declared });
      else undeclaredRequesters.add(`${account.name}/${ref.role}`);
    }
    for (const { account, role } of rule.requesters.tags ? rolesTagged(accounts, rule.requesters.tags) : []) {
      requesters.set(`${account.id}/${role.name}`, { accountId: account.id, role: role.name });
      declaredRequesters.set(`${account.name}/${role.name}`, { account: account.name, role });
    }
    const policy = rule.sessionPolicy ? policies.get(rule.sessionPolicy) : undefined;
    return {
      target: {
        accountId: targetAccount.id,
        accountName: targetAccount.name,
        role: target.name,
        roleArn: target.arn,
        sessionTags: [...target.sessionTags],
      },
      requesters: [...requesters.values()].sort((a, b) => byCodePoint(`${a.accountId}/${a.role}`, `${b.accountId}/${b.role}`)),
      maxDurationSeconds: rule.maxDuration,
      ticket: rule.ticket ? { required: rule.ticket.required, ...(rule.ticket.pattern ? { pattern: rule.ticket.pattern } : {}) } : { required: false },
      ...(policy ? { sessionPolicy: { name: policy.name, document: sessionPolicy(policy.statements) } } : {}),
    };
  });

  const brokeredRoleArns = [...new Set(rules.map((r) => r.target.roleArn))].sort(byCodePoint);
  grantTo(broker.accountName, brokerRole, brokerRoleStatements({ brokeredRoleArns, region, accountId: broker.accountId, functionName: broker.functionName }));
  for (const key of [...declaredRequesters.keys()].sort(byCodePoint)) {
    const { account, role } = declaredRequesters.get(key)!;
    grantTo(account, role, requesterStatements(broker.functionArn));
  }
  const requesterAccountIds = [...new Set(rules.flatMap((r) => r.requesters.map((q) => q.accountId)))]
    .filter((id) => id !== broker.accountId)
    .sort(byCodePoint);
  return {
    organizationId: config.organization.id,
    broker,
    rules,
    generated,
    requesterAccountIds,
    undeclaredRequesters: [...undeclaredRequesters].sort(byCodePoint),
  };
}

/** The statements generated for one role, by its ARN. */
export function generatedStatementsFor(access: ResolvedAccess | undefined, arn: string): Statement[] {
  return (access?.generated ?? []).filter((g) => g.roleArn === arn).map((g) => g.statement);
}

/** One line per generated statement, and one per requester whose statements must be written elsewhere, for `baseline validate`. */
export function describeGenerated(access: ResolvedAccess): string[] {
  const list = (v: string | string[] | undefined) => [v ?? []].flat().join(", ");
  return [
    ...access.generated.map((g) => `${g.account}/${g.role}: ${g.statement.Sid} allows ${list(g.statement.Action)} on ${list(g.statement.Resource)}`),
    ...access.undeclaredRequesters.map(
      (r) =>
        `${r}: not declared here; give it lambda:InvokeFunctionUrl and lambda:InvokeFunction (with lambda:InvokedViaFunctionUrl) on ${access.broker.functionArn} where it is managed`,
    ),
  ];
}
