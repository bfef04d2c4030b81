import type { ResolvedAccount, ResolvedOrg } from "../../config/model.js";
import type { GuardrailId } from "../../config/sections/guardrails.js";
import { AWS_REGIONS } from "../../config/regions.js";
import { allowedRegions, exceptionRoleArn, githubSubjectPatterns, normalizeOuPath, thirdPartyAccounts } from "../guardrail-plan.js";
import { GITHUB_OIDC_HOST, keyAliasName, pipelineRoles, roleArn } from "../naming.js";
import type { Principal } from "../policies/document.js";
import type { AccessRequest, NamedPolicy } from "./evaluate.js";
import { ADMINISTRATOR, OUTSIDER, PROOF_OUTSIDER_ORG, outsiderAccount, strangerArn, type Intent } from "./intents.js";
import { keyArn, levelsOf, secretArn } from "./world.js";

/**
 * Guardrail intents: what the organization's SCPs and RCPs must decide, proven with the
 * access intents in the same world (whose SCPs and RCPs are the management stack's). A
 * member account's administrators cannot mint standing credentials or undo the baseline,
 * while the deploy role and the pipelines still can do their work; outsiders cannot reach
 * resources even where a resource policy was loosened; and the management account, which
 * no SCP binds, is called out explicitly.
 *
 * The world fills in the context AWS always sends (the requested region from the resource,
 * TLS, the source's organization for an in-organization `aws:SourceAccount`); a request on
 * no resource (`*`) says which region it was sent to, and the outsider its organization.
 */

/** Where a request on no particular resource (`Resource: *`) was sent. */
const sentTo = (region: string) => ({ "aws:RequestedRegion": region });

const allowAll = (name: string, principal: Principal, action: string): NamedPolicy => ({
  name,
  document: { Statement: [{ Sid: "Loosened", Effect: "Allow", Principal: principal, Action: action, Resource: "*" }] },
});

function applies(org: ResolvedOrg, id: GuardrailId, account: ResolvedAccount): boolean {
  const g = org.guardrails?.[id];
  if (!g?.enabled) return false;
  const levels = levelsOf(account.ou);
  return g.targets.some((t) => levels.includes(normalizeOuPath(t)));
}

/** Whether an exception of the guardrail leaves this role (or the whole account) alone. */
function excepted(org: ResolvedOrg, id: GuardrailId, account: ResolvedAccount, role?: string): boolean {
  return (org.guardrails?.[id].exceptions ?? []).some(
    (e) => (e.account === undefined || e.account === account.name) && (e.role === undefined || e.role.replace(/^.*\//, "") === role),
  );
}

export function guardrailIntents(org: ResolvedOrg): Intent[] {
  const guardrails = org.guardrails;
  if (!guardrails) return [];
  const orgId = org.config.organization.id;
  const outsider = outsiderAccount(org);
  const intents: Intent[] = [];
  const regions = allowedRegions(org, guardrails);
  const offRegion = AWS_REGIONS.find((r) => !regions.includes(r))!;
  const add = (account: ResolvedAccount, id: string, title: string, expect: Intent["expect"], request: AccessRequest, options?: Intent["options"]) =>
    intents.push({ subject: `${account.name}/guardrail/${id}`, title, expect, request, ...(options ? { options } : {}) });

  const management = org.managementAccount;
  if (management) {
    add(
      management,
      "management-account",
      "the management account is not subject to SCPs: an administrator there can still create an access key (keep workloads out of it)",
      "allow",
      {
        principal: { arn: strangerArn(management.id) },
        action: "iam:CreateAccessKey",
        resource: { arn: `arn:aws:iam::${management.id}:user/proof-user` },
      },
      { identity: ADMINISTRATOR },
    );
  }

  for (const account of org.accounts.filter((a) => a.role !== "management")) {
    const region = account.homeRegion;
    const stranger = { arn: strangerArn(account.id) };
    const deployRole = { arn: account.deployRoleArn };
    const as = (principal: AccessRequest["principal"], action: string, arn: string, title: string, expect: Intent["expect"], id: string) =>
      add(
        account,
        id,
        title,
        expect,
        { principal, action, resource: { arn }, ...(arn === "*" ? { context: sentTo(region) } : {}) },
        { identity: ADMINISTRATOR },
      );

    if (applies(org, "noStandingCredentials", account)) {
      const user = `arn:aws:iam::${account.id}:user/proof-user`;
      for (const action of ["iam:CreateAccessKey", "iam:CreateUser", "iam:CreateLoginProfile"]) {
        as(stranger, action, user, `an administrator of ${account.name} cannot ${action.slice(4)}`, "deny", "noStandingCredentials");
      }
      if (!excepted(org, "noStandingCredentials", account, account.deployRoleArn.replace(/^.*\//, ""))) {
        as(deployRole, "iam:CreateAccessKey", user, `not even ${account.name}'s deploy role can create an access key`, "deny", "noStandingCredentials");
      }
      for (const e of guardrails.noStandingCredentials.exceptions.filter(
        (x) => x.role !== undefined && (x.account === undefined || x.account === account.name),
      )) {
        const arn = exceptionRoleArn(e.role!, account.id);
        as(
          { arn },
          "iam:CreateAccessKey",
          user,
          `the excepted ${e.role} of ${account.name} can create an access key (${e.reason})`,
          "allow",
          "noStandingCredentials",
        );
      }
    }

    if (applies(org, "protectBaseline", account)) {
      const targets: Array<{ action: string; arn: string; what: string }> = [
        { action: "iam:UpdateAssumeRolePolicy", arn: account.deployRoleArn, what: "change the deploy role's trust" },
        { action: "iam:DeleteRolePermissionsBoundary", arn: account.deployRoleArn, what: "remove a baseline role's boundary" },
        { action: "config:StopConfigurationRecorder", arn: "*", what: "stop the Config recorder" },
        { action: "securityhub:DisableSecurityHub", arn: "*", what: "disable Security Hub" },
        { action: "cloudtrail:StopLogging", arn: `arn:aws:cloudtrail:${region}:${account.id}:trail/proof-trail`, what: "stop a trail" },
      ];
      const key = account.keys.find((k) => k.regions.includes(region));
      if (key)
        targets.push({
          action: "kms:ScheduleKeyDeletion",
          arn: keyArn(region, account.id, keyAliasName(key.name)),
          what: `schedule deletion of key ${key.name}`,
        });
      const secret = account.secrets.find((s) => s.region === region);
      if (secret)
        targets.push({
          action: "secretsmanager:PutResourcePolicy",
          arn: secretArn(region, account.id, secret.name),
          what: `replace the policy of secret ${secret.name}`,
        });
      for (const t of targets) {
        as(stranger, t.action, t.arn, `an administrator of ${account.name} cannot ${t.what}`, "deny", "protectBaseline");
        as(deployRole, t.action, t.arn, `the deploy role of ${account.name} can still ${t.what}`, "allow", "protectBaseline");
      }
      for (const e of guardrails.protectBaseline.exceptions.filter((x) => x.role !== undefined && (x.account === undefined || x.account === account.name))) {
        const arn = exceptionRoleArn(e.role!, account.id);
        as(
          { arn },
          "config:StopConfigurationRecorder",
          "*",
          `the excepted ${e.role} of ${account.name} can manage the Config recorder (${e.reason})`,
          "allow",
          "protectBaseline",
        );
      }
    }

    // The pipelines' apply role keeps its own path: assume the deploy role (state access is the backend's, not the organization's).
    const pipelines = pipelineRoles(org, account);
    if (pipelines) {
      add(account, "pipelines", `the pipelines' apply role of ${account.name} can still assume the deploy role`, "allow", {
        principal: { arn: pipelines.apply },
        action: "sts:AssumeRole",
        resource: { arn: account.deployRoleArn },
      });
    }

    if (applies(org, "denyLeaveOrganization", account) && !excepted(org, "denyLeaveOrganization", account)) {
      as(
        stranger,
        "organizations:LeaveOrganization",
        "*",
        `an administrator of ${account.name} cannot leave the organization`,
        "deny",
        "denyLeaveOrganization",
      );
    }
    if (applies(org, "denyRootUser", account) && !excepted(org, "denyRootUser", account)) {
      as({ arn: `arn:aws:iam::${account.id}:root` }, "s3:ListAllMyBuckets", "*", `the root user of ${account.name} can do nothing`, "deny", "denyRootUser");
    }
    if (applies(org, "regionDeny", account) && !excepted(org, "regionDeny", account)) {
      const instance = (r: string) => `arn:aws:ec2:${r}:${account.id}:instance/*`;
      as(stranger, "ec2:RunInstances", instance(offRegion), `nobody in ${account.name} launches anything in ${offRegion}`, "deny", "regionDeny");
      as(stranger, "ec2:RunInstances", instance(region), `an administrator of ${account.name} still works in ${region}`, "allow", "regionDeny");
      as(
        deployRole,
        "iam:GetRole",
        account.deployRoleArn,
        `global services stay reachable from ${account.name} (IAM through us-east-1)`,
        "allow",
        "regionDeny",
      );
    }

    // A secret whose resource policy was loosened to everyone: only the RCP stands between it and the world.
    const loosened = secretArn(region, account.id, "proof/loosened");
    const loosenedPolicy = allowAll("a loosened secret policy (Principal *)", "*", "secretsmanager:GetSecretValue");
    if (applies(org, "resourcePerimeter", account) && !excepted(org, "resourcePerimeter", account)) {
      add(
        account,
        "resourcePerimeter",
        `a principal of another organization cannot read a secret of ${account.name}, even one whose policy allows everyone`,
        "deny",
        {
          principal: { arn: `arn:aws:iam::${outsider}:role/proof/outsider`, orgId: PROOF_OUTSIDER_ORG },
          action: "secretsmanager:GetSecretValue",
          resource: { arn: loosened },
        },
        { identity: OUTSIDER, resourcePolicy: loosenedPolicy },
      );
      for (const role of account.roles) {
        if (role.kind !== "cross-account") continue;
        for (const trusted of role.trusted) {
          if (typeof trusted === "string" || !("arn" in trusted) || !thirdPartyAccounts(org).some((id) => trusted.arn.includes(`::${id}:`))) continue;
          add(
            account,
            "resourcePerimeter",
            `the declared third party ${trusted.arn} can still assume ${role.name}`,
            "allow",
            {
              principal: { arn: trusted.arn },
              action: "sts:AssumeRole",
              resource: { arn: role.arn },
              ...(role.externalId ? { context: { "sts:ExternalId": role.externalId } } : {}),
            },
            { identity: OUTSIDER },
          );
        }
      }
    }
    if (applies(org, "confusedDeputy", account) && !excepted(org, "confusedDeputy", account)) {
      const bucket = { arn: `arn:aws:s3:::proof-bucket-${account.id}/AWSLogs/object`, account: account.id, orgId };
      const bucketPolicy = allowAll("a bucket policy trusting a service by name only", { Service: "cloudtrail.amazonaws.com" }, "s3:PutObject");
      const service = (sourceAccount: string, sourceOrg: Record<string, string>, expect: Intent["expect"], title: string) =>
        add(
          account,
          "confusedDeputy",
          title,
          expect,
          {
            principal: { service: "cloudtrail.amazonaws.com" },
            action: "s3:PutObject",
            resource: bucket,
            context: { "aws:SourceAccount": sourceAccount, ...sourceOrg },
          },
          { resourcePolicy: bucketPolicy },
        );
      service(
        outsider,
        { "aws:SourceOrgID": PROOF_OUTSIDER_ORG },
        "deny",
        `an AWS service acting for another organization cannot write to ${account.name}'s bucket (confused deputy)`,
      );
      service(account.id, {}, "allow", `an AWS service acting for ${account.name} still writes to its bucket`);
    }
    if (applies(org, "secureTransport", account) && !excepted(org, "secureTransport", account)) {
      add(
        account,
        "secureTransport",
        `nobody reads a secret of ${account.name} without TLS, not even the deploy role`,
        "deny",
        {
          principal: deployRole,
          action: "secretsmanager:GetSecretValue",
          resource: { arn: loosened },
          context: { "aws:SecureTransport": false },
        },
        { identity: ADMINISTRATOR, resourcePolicy: loosenedPolicy },
      );
    }
    if (applies(org, "trustedIdentityProviders", account) && !excepted(org, "trustedIdentityProviders", account)) {
      const federatedRole = roleArn(account.id, "proof-federated", "/proof/");
      const provider = (host: string) => `arn:aws:iam::${account.id}:oidc-provider/${host}`;
      const trustAny = (host: string) => allowAll(`a trust policy accepting any ${host} token`, { Federated: provider(host) }, "sts:AssumeRoleWithWebIdentity");
      const federate = (host: string, sub: string, expect: Intent["expect"], title: string) =>
        add(
          account,
          "trustedIdentityProviders",
          title,
          expect,
          {
            principal: { federated: provider(host) },
            action: "sts:AssumeRoleWithWebIdentity",
            resource: { arn: federatedRole },
            context: { [`${host}:sub`]: sub, [`${host}:aud`]: "sts.amazonaws.com" },
          },
          { resourcePolicy: trustAny(host) },
        );
      federate(
        GITHUB_OIDC_HOST,
        "repo:proof-other-owner/any:ref:refs/heads/main",
        "deny",
        `a GitHub workflow of an undeclared owner cannot federate into ${account.name}, even through a loose trust policy`,
      );
      federate("accounts.google.com", "proof-subject", "deny", `an undeclared OIDC issuer cannot federate into ${account.name}`);
      for (const pattern of githubSubjectPatterns(org)) {
        federate(
          GITHUB_OIDC_HOST,
          pattern.replace(/\*$/, "proof:ref:refs/heads/main"),
          "allow",
          `GitHub workflows matching ${pattern} still federate into ${account.name}`,
        );
        const owner = /^repo:([^@/]+)@\d+\/\*$/.exec(pattern)?.[1];
        if (owner)
          federate(
            GITHUB_OIDC_HOST,
            `repo:${owner}@1/proof@1:ref:refs/heads/main`,
            "deny",
            `a reused GitHub owner name ${owner} with another owner id cannot federate into ${account.name}`,
          );
      }
    }
  }
  return intents;
}
