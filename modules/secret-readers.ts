import type { ResolvedAccount, ResolvedOrg } from "../config/model.js";
import { secretReaderArns } from "./identity-plan.js";
import type { ExpectedReaders } from "./monitoring.js";
import { rotationFunctionName } from "./naming.js";

/**
 * Whose secret reads are expected in an account's CloudTrail events: the declared
 * readers of its own secrets, and its own roles that read secrets of other accounts
 * (CloudTrail records a cross-account read in both accounts). Undefined when the
 * account neither owns secrets nor reads any: there is nothing to compare against.
 * Rotation functions read the secrets they rotate, so their sessions are expected too.
 */
export function expectedSecretReaders(org: ResolvedOrg, account: ResolvedAccount): ExpectedReaders | undefined {
  const own = account.secrets.length > 0 ? secretReaderArns(org, account) : [];
  const elsewhere = org.accounts
    .filter((a) => a.id !== account.id && a.secrets.length > 0)
    .flatMap((a) => secretReaderArns(org, a))
    .filter((arn) => arn.startsWith(`arn:aws:iam::${account.id}:`));
  if (account.secrets.length === 0 && elsewhere.length === 0) return undefined;
  return {
    roleArns: [...new Set([...own, ...elsewhere])].sort(),
    tagReadSecrets: account.secrets.filter((s) => s.readers.some((r) => r.tags !== undefined)).map((s) => s.name).sort(),
    rotationFunctions: account.secrets.flatMap((s) => {
      if (s.rotation?.template) return [rotationFunctionName(account.id, s.region ?? account.homeRegion, s.name)];
      const given = s.rotation?.lambdaArn?.split(":function:")[1];
      return given ? [given] : [];
    }),
  };
}
