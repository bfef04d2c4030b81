import type { ResolvedAccount, ResolvedOrg } from "../config/model.js";
import { secretReaderArns } from "./identity-plan.js";
import type { ExpectedReaders } from "./monitoring.js";
import { rotationFunctionName } from "./naming.js";

/**
 * Whose secret reads are expected in each account's CloudTrail events: the declared
 * readers of its own secrets, and its own roles that read secrets of other accounts
 * (CloudTrail records a cross-account read in both accounts). Only accounts with
 * secrets have an entry: reads elsewhere are watched in the owner's account.
 * Rotation functions read the secrets they rotate, so their sessions are expected too.
 * Every account's readers are collected in one pass, so the cost grows with the
 * number of readers, not with accounts squared.
 */
export function expectedSecretReaders(org: ResolvedOrg): Map<string, ExpectedReaders> {
  const own = new Map<string, string[]>();
  const elsewhere = new Map<string, string[]>();
  for (const a of org.accounts) {
    if (a.secrets.length === 0) continue;
    const arns = secretReaderArns(org, a);
    own.set(a.id, arns);
    for (const arn of arns) {
      const reader = arn.split(":")[4]!;
      if (reader === a.id) continue;
      let list = elsewhere.get(reader);
      if (!list) elsewhere.set(reader, (list = []));
      list.push(arn);
    }
  }
  const readers = new Map<string, ExpectedReaders>();
  for (const account of org.accounts) {
    const mine = own.get(account.id) ?? [];
    const theirs = elsewhere.get(account.id) ?? [];
    if (account.secrets.length === 0) continue;
    readers.set(account.id, {
      roleArns: [...new Set([...mine, ...theirs])].sort(),
      tagReadSecrets: account.secrets
        .filter((s) => s.readers.some((r) => r.tags !== undefined))
        .map((s) => s.name)
        .sort(),
      rotationFunctions: rotationFunctions(account),
    });
  }
  return readers;
}

function rotationFunctions(account: ResolvedAccount): string[] {
  return account.secrets.flatMap((s) => {
    if (s.rotation?.template) return [rotationFunctionName(account.id, s.region, s.name)];
    const given = s.rotation?.lambdaArn?.split(":function:")[1];
    return given ? [given] : [];
  });
}
