import { RESERVED_TEMPLATE_PARAMETERS } from "../sections/secrets.js";
import type { PathSegment } from "../errors.js";
import type { ConfigCheck } from "./types.js";

/**
 * Secrets: unique names, regions of the account, a key that exists wherever the
 * secret (or a replica) lives, readers that exist, cross-account reading only with
 * a customer-managed key, and a complete rotation.
 */
export const secretChecks: ConfigCheck = ({ accounts }, report, names) => {
  // Secrets that roles of other accounts are granted: read across accounts as much as by a reader.
  const grantedAcross = new Set<string>();
  for (const other of accounts) {
    for (const role of other.roles) {
      for (const ref of role.grants.secrets) if (ref.account !== other.name) grantedAcross.add(`${ref.account}/${ref.name}`);
    }
  }
  accounts.forEach((account, i) => {
    const { regions } = account;
    const seen = new Map<string, number>();
    account.secrets.forEach((secret, j) => {
      const at: PathSegment[] = ["accounts", i, "secrets", j];
      const first = seen.get(secret.name);
      if (first !== undefined) report([...at, "name"], `duplicate secret name ${JSON.stringify(secret.name)}: already used by secrets[${first}]`);
      else seen.set(secret.name, j);
      const { region } = secret;
      // A defaulted region is the home region, whose own check reports it.
      if (!regions.includes(region) && names.written([...at, "region"]))
        report([...at, "region"], `region ${secret.region} is not one of this account's regions (${regions.join(", ")})`);
      secret.replicaRegions.forEach((r, k) => {
        if (r === region) report([...at, "replicaRegions", k], `${r} is the secret's own region; a replica goes to another region`);
        else if (secret.replicaRegions.indexOf(r) !== k) report([...at, "replicaRegions", k], `region ${r} is listed twice`);
        else if (!regions.includes(r))
          report(
            [...at, "replicaRegions", k],
            `region ${r} is not one of this account's regions (${regions.join(", ")}): the replica's key lives in that region's stack`,
          );
      });

      if (secret.key) {
        const key = names.key(account, secret.key, [...at, "key"]);
        if (key) {
          for (const r of secret.regions) {
            if (!key.regions.includes(r))
              report(
                [...at, "key"],
                `key ${secret.key} is not created in ${r}, where this secret ${r === region ? "lives" : "has a replica"}; add ${r} to the key's regions`,
              );
          }
        }
      }

      let crossAccount = false;
      secret.readers.forEach((reader, k) => {
        const rat: PathSegment[] = [...at, "readers", k];
        if ((reader.role === undefined) === (reader.tags === undefined)) {
          return report(rat, "a reader is either a role (role: NAME or { account, role }) or an ABAC match (tags: {...}), not both or neither");
        }
        if (reader.role !== undefined) {
          if (reader.accounts)
            report([...rat, "accounts"], "accounts belongs to an ABAC reader (tags); a role reader names its account in role: { account, role }");
          const { role } = reader;
          const owner = names.account(role.account, [...rat, "role"]);
          if (owner && names.role(owner, role.name, [...rat, "role"], "reader role") && role.account !== account.name) crossAccount = true;
          return;
        }
        const tagKeys = Object.keys(reader.tags!);
        if (tagKeys.length === 0)
          return report([...rat, "tags"], "an ABAC reader needs at least one tag; without one it would match every principal of the organization");
        for (const key of tagKeys) if (key.startsWith("aws:")) report([...rat, "tags", key], "tag keys starting with aws: are reserved");
        (reader.accounts ?? []).forEach((name, m) => names.account(name, [...rat, "accounts", m]));
        if (!reader.accounts || reader.accounts.some((n) => n !== account.name)) crossAccount = true;
      });
      if (grantedAcross.has(`${account.name}/${secret.name}`)) crossAccount = true;
      if (crossAccount && !secret.key) {
        report(
          [...at, "readers"],
          "readers in other accounts need a customer-managed key (key: ...): the AWS-managed aws/secretsmanager key cannot be shared across accounts, so they could never decrypt the value",
        );
      }

      const rotation = secret.rotation;
      if (rotation) {
        const rat: PathSegment[] = [...at, "rotation"];
        if (rotation.lambdaArn === undefined && rotation.template === undefined) {
          report(rat, "rotation needs a rotation function: lambdaArn (your own) or template (AWS-published)");
        } else if (rotation.lambdaArn !== undefined && rotation.template !== undefined) {
          report([...rat, "template"], "set only one rotation function: template (AWS-published) or lambdaArn (your own), not both");
        }
        if (rotation.lambdaArn) {
          const [, , , fnRegion, fnAccount] = rotation.lambdaArn.split(":");
          if (fnAccount !== account.id || fnRegion !== region) {
            report(
              [...rat, "lambdaArn"],
              `the rotation function must be in this secret's account and region (${account.id}, ${region}), where Secrets Manager may invoke it with aws:SourceAccount`,
            );
          }
        }
        if (rotation.automaticallyAfterDays === undefined && rotation.scheduleExpression === undefined) {
          report(rat, "set one of automaticallyAfterDays or scheduleExpression");
        } else if (rotation.automaticallyAfterDays !== undefined && rotation.scheduleExpression !== undefined) {
          report([...rat, "scheduleExpression"], "set only one of automaticallyAfterDays or scheduleExpression, not both");
        }
        if (rotation.duration !== undefined && rotation.scheduleExpression === undefined)
          report([...rat, "duration"], "duration is the window of a scheduleExpression");
        for (const name of Object.keys(rotation.template?.parameters ?? {})) {
          if ((RESERVED_TEMPLATE_PARAMETERS as readonly string[]).includes(name)) {
            report([...rat, "template", "parameters", name], `${name} is set by org-baseline (endpoint, function name and key follow from the secret)`);
          }
        }
      }
    });
  });
};
