import type { ResolvedAccount, ResolvedOrg } from "../../config/model.js";
import { parameterName } from "../../config/sections/parameters.js";
import { identityPlan } from "../identity-plan.js";
import { keyAliasName, trustAnchorLogicalId } from "../naming.js";
import { ROLES_ANYWHERE_PRINCIPAL } from "../policies/roles-anywhere.js";
import { parameterPathArns } from "../policies/value-policies.js";
import type { AccessRequest } from "./evaluate.js";
import { STRANGER, strangerArn, type Intent } from "./intents.js";
import { keyArn } from "./world.js";

/**
 * Intents of values that are not secrets: Parameter Store hierarchies (declared
 * readers read and decrypt everything under the path; the same readers get nothing
 * next to it), outbound web identity tokens (the declared audiences and lifetime
 * only) and Roles Anywhere roles (the declared certificates through the role's own
 * trust anchor only).
 */

const via = (region: string) => `ssm.${region}.amazonaws.com`;
const parameterArn = (region: string, account: string, name: string) => `arn:aws:ssm:${region}:${account}:parameter${name}`;

export function valueIntents(org: ResolvedOrg): Intent[] {
  return org.accounts.flatMap((account) => [...parameterIntents(org, account), ...outboundTokenIntents(account), ...rolesAnywhereIntents(account)]);
}

function parameterIntents(org: ResolvedOrg, account: ResolvedAccount): Intent[] {
  const intents: Intent[] = [];
  const plan = identityPlan(org);
  for (const region of account.regions) {
    for (const h of plan.parameters(account, region)) {
      const subject = `${account.name}/parameters${h.config.path}`;
      const key = h.config.key ? keyArn(region, account.id, keyAliasName(h.config.key)) : undefined;
      const [pathArn] = parameterPathArns(region, account.id, h.config.path);
      // Next to the hierarchy: a sibling sharing its prefix, and a parameter of the parent path.
      const beside = [
        parameterName(`${h.config.path}-other`, "value"),
        parameterName(h.config.path.replace(/\/[^/]+$/, "") || "/", "other").replace(/^\/\//, "/"),
      ];
      for (const reader of h.readerArns) {
        const who = `${account.name}/${reader.split("/").pop()}`;
        const add = (title: string, expect: Intent["expect"], request: Omit<AccessRequest, "principal">) =>
          intents.push({ subject, title: `${who} ${title} in ${region}`, expect, request: { principal: { arn: reader }, ...request } });
        add(`reads the hierarchy by path (GetParametersByPath)`, "allow", { action: "ssm:GetParametersByPath", resource: { arn: pathArn! } });
        for (const p of h.parameters) {
          const arn = parameterArn(region, account.id, p.name);
          add(`reads ${p.name}`, "allow", { action: "ssm:GetParameter", resource: { arn } });
          if (p.config.type === "SecureString" && key) {
            add(`decrypts ${p.name} through Parameter Store`, "allow", {
              action: "kms:Decrypt",
              resource: { arn: key },
              context: { "kms:ViaService": via(region), "kms:EncryptionContext:PARAMETER_ARN": arn },
            });
            add(`cannot decrypt ${p.name} by calling KMS directly`, "deny", {
              action: "kms:Decrypt",
              resource: { arn: key },
              context: { "kms:EncryptionContext:PARAMETER_ARN": arn },
            });
          }
        }
        for (const other of beside) {
          const arn = parameterArn(region, account.id, other);
          add(`cannot read ${other}, outside the hierarchy`, "deny", { action: "ssm:GetParameter", resource: { arn } });
          if (key) {
            add(`cannot decrypt ${other}, outside the hierarchy, even through Parameter Store`, "deny", {
              action: "kms:Decrypt",
              resource: { arn: key },
              context: { "kms:ViaService": via(region), "kms:EncryptionContext:PARAMETER_ARN": arn },
            });
          }
        }
      }
      const secure = h.parameters.find((p) => p.config.type === "SecureString");
      if (secure && key) {
        intents.push({
          subject,
          title: `a stranger of ${account.name} with kms:* cannot decrypt ${secure.name} through Parameter Store in ${region}`,
          expect: "deny",
          request: {
            principal: { arn: strangerArn(account.id) },
            action: "kms:Decrypt",
            resource: { arn: key },
            context: { "kms:ViaService": via(region), "kms:EncryptionContext:PARAMETER_ARN": parameterArn(region, account.id, secure.name) },
          },
          options: { identity: STRANGER },
        });
      }
    }
  }
  return intents;
}

function outboundTokenIntents(account: ResolvedAccount): Intent[] {
  const intents: Intent[] = [];
  for (const role of account.roles) {
    const grant = role.grants.outboundTokens;
    if (!grant) continue;
    const arn = `arn:aws:iam::${account.id}:role${role.path}${role.name}`;
    const subject = `${account.name}/role/${role.name}`;
    const who = `${account.name}/${role.name}`;
    const token = (title: string, expect: Intent["expect"], context: AccessRequest["context"]) =>
      intents.push({
        subject,
        title: `${who} ${title}`,
        expect,
        request: { principal: { arn }, action: "sts:GetWebIdentityToken", resource: { arn: "*" }, context },
      });
    const max = grant.maxDurationSeconds;
    for (const audience of grant.audiences) {
      token(`mints a token for ${audience} valid ${max} s`, "allow", { "sts:IdentityTokenAudience": [audience], "sts:DurationSeconds": max });
    }
    token(`cannot mint a token for another audience`, "deny", { "sts:IdentityTokenAudience": ["https://other-audience.invalid"], "sts:DurationSeconds": max });
    token(`cannot add an undeclared audience to a declared one`, "deny", {
      "sts:IdentityTokenAudience": [grant.audiences[0]!, "https://other-audience.invalid"],
      "sts:DurationSeconds": max,
    });
    token(`cannot mint a token valid longer than ${max} s`, "deny", { "sts:IdentityTokenAudience": [grant.audiences[0]!], "sts:DurationSeconds": max + 1 });
    token(`cannot mint a token without naming its lifetime`, "deny", { "sts:IdentityTokenAudience": [grant.audiences[0]!] });
  }
  return intents;
}

/** The trust anchor's ARN as the world reads it: a reference known only at apply. */
const anchorAsSeen = (roleName: string) => `«aws_rolesanywhere_trust_anchor.${trustAnchorLogicalId(roleName)}.arn»`;

function rolesAnywhereIntents(account: ResolvedAccount): Intent[] {
  const intents: Intent[] = [];
  for (const role of account.roles) {
    if (role.kind !== "roles-anywhere") continue;
    const arn = role.arn;
    const subject = `${account.name}/role/${role.name}`;
    const assume = (title: string, expect: Intent["expect"], tags: Record<string, string>, context: Record<string, string> = {}) => {
      const request = { "aws:SourceArn": anchorAsSeen(role.name), "aws:SourceAccount": account.id, ...context };
      for (const action of ["sts:AssumeRole", "sts:TagSession"]) {
        intents.push({
          subject,
          title: `${title} (${action})`,
          expect,
          request: { principal: { service: ROLES_ANYWHERE_PRINCIPAL, tags }, action, resource: { arn }, context: request },
        });
      }
    };
    role.certificates.forEach((cert) => {
      const tags: Record<string, string> = {};
      for (const [f, v] of Object.entries(cert.subject)) if (v !== undefined) tags[`x509Subject/${f}`] = v;
      for (const [f, v] of Object.entries(cert.issuer ?? {})) if (v !== undefined) tags[`x509Issuer/${f}`] = v;
      const cn = cert.subject.CN!;
      assume(`workload certificate ${cn} assumes it through its trust anchor`, "allow", tags);
      assume(`another certificate subject of the same CA cannot assume it`, "deny", { ...tags, "x509Subject/CN": `other-${cn}` });
      if (cert.issuer?.CN) assume(`${cn} issued by another CA cannot assume it`, "deny", { ...tags, "x509Issuer/CN": `${cert.issuer.CN} (other)` });
      assume(`${cn} presented through another trust anchor cannot assume it`, "deny", tags, {
        "aws:SourceArn": `arn:aws:rolesanywhere:${account.homeRegion}:${account.id}:trust-anchor/00000000-0000-0000-0000-000000000000`,
      });
      assume(`${cn} through a trust anchor of another account cannot assume it`, "deny", tags, { "aws:SourceAccount": "000000000000" });
    });
  }
  return intents;
}
