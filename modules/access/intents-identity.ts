import type { ResolvedAccount, ResolvedOrg, ResolvedRole } from "../../config/model.js";
import type { QualifiedRef } from "../../config/sections/refs.js";
import { githubProviderArn } from "../identity-plan.js";
import { GITHUB_OIDC_HOST, keyAliasName, pipelineRoles } from "../naming.js";
import { pipelineSubjects } from "../pipeline-subjects.js";
import { SERVICES_WITH_SOURCE_ACCOUNT, githubRoleSubjects } from "../policies/trust-policy.js";
import type { AccessRequest, NamedPolicy } from "./evaluate.js";
import { ADMINISTRATOR, OUTSIDER, PROOF_OUTSIDER_ORG, STRANGER, outsiderAccount, strangerArn, type Intent } from "./intents.js";
import { keyArn, secretArn } from "./world.js";

/** Intents of roles, keys and secrets: who reads, uses, administers and assumes, and who must not. */

const DECRYPT = ["kms:Decrypt"];
const ENCRYPT = ["kms:Encrypt", "kms:GenerateDataKey"];
const CRYPTO_BY_ACCESS = { decrypt: DECRYPT, encrypt: ENCRYPT, "encrypt-decrypt": [...DECRYPT, ...ENCRYPT] } as const;
const KEY_ADMIN_ACTIONS = ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"];
const SECRET_ADMIN_ACTIONS = ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret"];
const ROTATION_ACTIONS = ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"];

const via = (service: string, region: string) => `${service}.${region}.amazonaws.com`;
const label = (account: ResolvedAccount, role: { name: string }) => `${account.name}/${role.name}`;

/** An ABAC principal that is not a baseline role: tagged, with an identity policy that allows reading anything. */
const ABAC_READER: readonly NamedPolicy[] = [
  {
    name: "tagged principal's identity policy",
    document: { Statement: [{ Sid: "Broad", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: "*" }] },
  },
];

/** Who reads which secret and uses which key through their own grants, indexed once (not per secret or key). */
function grantIndex(org: ResolvedOrg) {
  const secretReaders = new Map<string, Array<{ account: ResolvedAccount; role: ResolvedRole }>>();
  const keyUsers = new Map<string, Array<{ account: ResolvedAccount; role: ResolvedRole; via: readonly string[]; access: keyof typeof CRYPTO_BY_ACCESS }>>();
  const push = <T>(map: Map<string, T[]>, id: string, value: T) => (map.get(id) ?? map.set(id, []).get(id)!).push(value);
  for (const account of org.accounts) {
    for (const role of account.roles) {
      for (const ref of role.grants.secrets) push(secretReaders, `${ref.account}/${ref.name}`, { account, role });
      for (const g of role.grants.keys) push(keyUsers, `${g.key.account}/${g.key.name}`, { account, role, via: g.via, access: g.access });
    }
  }
  return { secretReaders, keyUsers };
}

export function identityIntents(org: ResolvedOrg): Intent[] {
  const grants = grantIndex(org);
  const outsider = outsiderAccount(org);
  const outsiderRole = `arn:aws:iam::${outsider}:role/proof/outsider`;
  const intents: Intent[] = [];
  const accountOf = (name: string) => org.accountByName.get(name)!;
  const roleOf = (ref: QualifiedRef) => {
    const { account, role } = org.roleOf(ref);
    return { account, role, arn: role.arn };
  };
  const add = (subject: string, title: string, expect: Intent["expect"], request: AccessRequest, identity?: readonly NamedPolicy[]) =>
    intents.push({ subject, title, expect, request, options: identity ? { identity } : undefined });

  for (const account of org.accounts) {
    // Secrets: declared readers read and decrypt in every region; nobody else does.
    for (const secret of account.secrets) {
      const subject = `${account.name}/secret/${secret.name}`;
      const readers = new Map<string, string>();
      for (const r of secret.readers) {
        if (r.role === undefined) continue;
        const reader = roleOf(r.role);
        readers.set(reader.arn, label(reader.account, reader.role));
      }
      for (const { account: other, role } of grants.secretReaders.get(`${account.name}/${secret.name}`) ?? []) {
        readers.set(role.arn, label(other, role));
      }
      const keyArnIn = (region: string) => (secret.key ? keyArn(region, account.id, keyAliasName(secret.key)) : undefined);
      const read = (principal: AccessRequest["principal"], region: string, extra: Partial<AccessRequest> = {}): AccessRequest[] => {
        const arn = secretArn(region, account.id, secret.name);
        const requests: AccessRequest[] = [{ principal, action: "secretsmanager:GetSecretValue", resource: { arn }, ...extra }];
        const key = keyArnIn(region);
        if (key) {
          requests.push({
            principal,
            action: "kms:Decrypt",
            resource: { arn: key },
            context: { "kms:ViaService": via("secretsmanager", region), "kms:EncryptionContext:SecretARN": arn },
          });
        }
        return requests;
      };
      for (const region of secret.regions) {
        for (const [arn, who] of readers) {
          for (const r of read({ arn }, region))
            add(subject, `${who} ${r.action === "kms:Decrypt" ? "decrypts it through Secrets Manager" : "reads the value"} in ${region}`, "allow", r);
        }
        for (const [i, group] of secret.readers.flatMap((r) => (r.tags ? [r] : [])).entries()) {
          // Without `accounts` the group names every account alike: its own, the first and the last stand for all.
          const names = group.accounts ?? [...new Set([account.name, org.accounts[0]!.name, org.accounts.at(-1)!.name])];
          const accounts = names.map(accountOf);
          for (const reader of accounts) {
            const tags = group.tags!;
            const who = `a principal of ${reader.name} tagged ${Object.entries(tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(",")}`;
            const principal = { arn: `arn:aws:iam::${reader.id}:role/proof/abac-reader-${i + 1}`, tags };
            for (const r of read(principal, region))
              add(subject, `${who} ${r.action === "kms:Decrypt" ? "decrypts it" : "reads the value"} in ${region}`, "allow", r, ABAC_READER);
            const wrong = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, `${v}-other`]));
            add(
              subject,
              `a principal of ${reader.name} with the wrong tag value cannot read it in ${region}`,
              "deny",
              read({ ...principal, tags: wrong }, region)[0]!,
              ABAC_READER,
            );
          }
        }
        for (const role of abacReaders(account, secret)) {
          for (const r of read({ arn: role.arn }, region)) {
            add(
              subject,
              `${label(account, role)} (ABAC on ${role.grants.abac!.tagKeys.join(", ")}) ${r.action === "kms:Decrypt" ? "decrypts it through Secrets Manager" : "reads the value"} in ${region}`,
              "allow",
              r,
            );
          }
        }
        add(
          subject,
          `a stranger of ${account.name} with secretsmanager:* cannot read it in ${region}`,
          "deny",
          read({ arn: strangerArn(account.id) }, region)[0]!,
          STRANGER,
        );
        const key = keyArnIn(region);
        if (key) {
          add(
            subject,
            `a stranger of ${account.name} with kms:* cannot decrypt it through Secrets Manager in ${region}`,
            "deny",
            read({ arn: strangerArn(account.id) }, region)[1]!,
            STRANGER,
          );
        }
        add(
          subject,
          `a principal of another organization cannot read it in ${region}`,
          "deny",
          read({ arn: outsiderRole, orgId: PROOF_OUTSIDER_ORG }, region)[0]!,
          OUTSIDER,
        );
      }
      // Readers in other accounts are strangers to the secrets they were not given.
      for (const reader of new Set([...readers.keys()].map((arn) => arn.split(":")[4]!))) {
        if (reader === account.id) continue;
        add(
          subject,
          `a stranger of reader account ${org.accountById.get(reader)?.name ?? reader} cannot read it`,
          "deny",
          read({ arn: strangerArn(reader) }, secret.region)[0]!,
          STRANGER,
        );
      }
      for (const region of secret.regions) {
        for (const r of SECRET_ADMIN_ACTIONS) {
          add(
            subject,
            `the deploy role administers it (${r}) in ${region}`,
            "allow",
            { principal: { arn: account.deployRoleArn }, action: r, resource: { arn: secretArn(region, account.id, secret.name) } },
            ADMINISTRATOR,
          );
        }
      }
      if (secret.rotation) {
        // The rotation function's role is known only at apply: the world names it by its Terraform reference.
        intents.push(...rotationIntents(account, secret.name, secret.region, keyArnIn(secret.region), subject));
      }
    }

    // Keys: users through their services, administrators manage, nobody else decrypts.
    for (const key of account.keys) {
      const subject = `${account.name}/key/${key.name}`;
      const users = new Map<string, { who: string; via: readonly string[]; access: keyof typeof CRYPTO_BY_ACCESS }>();
      for (const u of key.users) {
        const { account: a, role, arn } = roleOf(u.role);
        users.set(`${arn} ${u.via.join(",")} ${u.access}`, { who: label(a, role), via: u.via, access: u.access });
      }
      for (const g of grants.keyUsers.get(`${account.name}/${key.name}`) ?? []) {
        users.set(`${g.role.arn} ${g.via.join(",")} ${g.access}`, {
          who: label(g.account, g.role),
          via: g.via,
          access: g.access,
        });
      }
      for (const region of key.regions) {
        const arn = keyArn(region, account.id, keyAliasName(key.name));
        for (const [id, u] of users) {
          const principal = { arn: id.split(" ")[0]! };
          for (const service of u.via) {
            for (const action of CRYPTO_BY_ACCESS[u.access]) {
              add(subject, `${u.who} uses it (${action}) through ${service} in ${region}`, "allow", {
                principal,
                action,
                resource: { arn },
                context: { "kms:ViaService": via(service, region) },
              });
            }
          }
          add(subject, `${u.who} cannot call kms:Decrypt directly (not through ${u.via.join(", ")}) in ${region}`, "deny", {
            principal,
            action: "kms:Decrypt",
            resource: { arn },
          });
        }
        for (const adminRef of key.administrators) {
          const { account: a, role, arn: adminArn } = roleOf(adminRef);
          for (const action of KEY_ADMIN_ACTIONS)
            add(subject, `administrator ${label(a, role)} manages it (${action}) in ${region}`, "allow", {
              principal: { arn: adminArn },
              action,
              resource: { arn },
            });
          add(subject, `administrator ${label(a, role)} cannot decrypt with it in ${region}`, "deny", {
            principal: { arn: adminArn },
            action: "kms:Decrypt",
            resource: { arn },
          });
        }
        for (const action of KEY_ADMIN_ACTIONS)
          add(
            subject,
            `the deploy role manages it (${action}) in ${region}`,
            "allow",
            { principal: { arn: account.deployRoleArn }, action, resource: { arn } },
            ADMINISTRATOR,
          );
        add(
          subject,
          `the deploy role cannot decrypt with it in ${region}`,
          "deny",
          { principal: { arn: account.deployRoleArn }, action: "kms:Decrypt", resource: { arn } },
          ADMINISTRATOR,
        );
        add(
          subject,
          `a stranger of ${account.name} with kms:* cannot decrypt with it in ${region}`,
          "deny",
          { principal: { arn: strangerArn(account.id) }, action: "kms:Decrypt", resource: { arn } },
          STRANGER,
        );
        add(
          subject,
          `a principal of another organization cannot decrypt with it in ${region}`,
          "deny",
          {
            principal: { arn: outsiderRole, orgId: PROOF_OUTSIDER_ORG },
            action: "kms:Decrypt",
            resource: { arn },
            context: { "kms:ViaService": via("secretsmanager", region) },
          },
          OUTSIDER,
        );
      }
    }

    // Roles: each trusted principal assumes with the context its kind requires; without it, or anyone else, cannot.
    for (const role of account.roles) intents.push(...trustIntents(org, account, role, outsider));
    intents.push(...pipelineIntents(org, account));
    intents.push(...logsIntents(org, account, outsider));
  }
  return intents;
}

/**
 * Roles of the secret's account whose ABAC grant reaches it: their tags equal the
 * secret's on every granted key, and the secret names a tag reader group they match.
 */
function abacReaders(account: ResolvedAccount, secret: ResolvedAccount["secrets"][number]): ResolvedRole[] {
  const secretTags: Record<string, string> = { ...account.tags, ...secret.tags };
  return account.roles.filter((role) => {
    const keys = role.grants.abac?.tagKeys;
    if (!keys) return false;
    const roleTags = role.principalTags;
    if (!keys.every((k) => roleTags[k] !== undefined && roleTags[k] === secretTags[k])) return false;
    return secret.readers.some(
      (r) => r.tags && Object.entries(r.tags).every(([k, v]) => roleTags[k] === v) && (!r.accounts || r.accounts.includes(account.name)),
    );
  });
}

/** CloudWatch Logs encrypts each declared log group with the account-region logs key, and no other account's. */
function logsIntents(org: ResolvedOrg, account: ResolvedAccount, outsider: string): Intent[] {
  const out: Intent[] = [];
  const keyName = org.config.logs.keyName;
  for (const region of account.regions) {
    const groups = account.logGroups.filter((g) => g.regions.includes(region));
    if (!groups.length) continue;
    const subject = `${account.name}/key/${keyName}`;
    const arn = keyArn(region, account.id, keyAliasName(keyName));
    const logs = { service: `logs.${region}.amazonaws.com` };
    const context = (group: string, owner = account.id) => ({
      "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${owner}:log-group:${group}`,
      "aws:SourceAccount": owner,
    });
    for (const g of groups) {
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        out.push({
          subject,
          title: `CloudWatch Logs uses it (${action}) for ${g.name} in ${region}`,
          expect: "allow",
          request: { principal: logs, action, resource: { arn }, context: context(g.name) },
        });
      }
    }
    out.push({
      subject,
      title: `CloudWatch Logs describes it in ${region}`,
      expect: "allow",
      request: { principal: logs, action: "kms:DescribeKey", resource: { arn }, context: { "aws:SourceAccount": account.id } },
    });
    out.push({
      subject,
      title: `CloudWatch Logs cannot use it for another account's log group in ${region}`,
      expect: "deny",
      request: { principal: logs, action: "kms:GenerateDataKey", resource: { arn }, context: context(groups[0]!.name, outsider) },
    });
  }
  return out;
}

function rotationIntents(account: ResolvedAccount, secretName: string, region: string, key: string | undefined, subject: string): Intent[] {
  const arn = secretArn(region, account.id, secretName);
  // The function's role is known only at apply; the world names it by its Terraform reference.
  const options = {
    rotationRoleOf: { account: account.id, secret: secretName },
    identity: [
      {
        name: "rotation function's role (modelled)",
        document: {
          Statement: [
            {
              Sid: "Rotate",
              Effect: "Allow" as const,
              Action: [...ROTATION_ACTIONS, "secretsmanager:GetSecretValue", "kms:Decrypt", "kms:GenerateDataKey"],
              Resource: "*",
            },
          ],
        },
      },
    ],
  };
  const principal = { account: account.id };
  const requests: Array<[string, AccessRequest]> = ROTATION_ACTIONS.map((action) => [action, { principal, action, resource: { arn } }]);
  if (key) {
    requests.push([
      "kms:GenerateDataKey through Secrets Manager",
      {
        principal,
        action: "kms:GenerateDataKey",
        resource: { arn: key },
        context: { "kms:ViaService": via("secretsmanager", region), "kms:EncryptionContext:SecretARN": arn },
      },
    ]);
  }
  return requests.map(([what, request]) => ({ subject, title: `the rotation function writes it (${what})`, expect: "allow", request, options }));
}

function trustIntents(org: ResolvedOrg, account: ResolvedAccount, role: ResolvedRole, outsider: string): Intent[] {
  const arn = role.arn;
  const subject = `${account.name}/role/${role.name}`;
  const out: Intent[] = [];
  const assume = (principal: AccessRequest["principal"], context: AccessRequest["context"] = {}, action = "sts:AssumeRole"): AccessRequest => ({
    principal,
    action,
    resource: { arn },
    context,
  });
  const add = (title: string, expect: Intent["expect"], request: AccessRequest, identity?: readonly NamedPolicy[]) =>
    out.push({ subject, title, expect, request, options: identity ? { identity } : undefined });
  const assumer: readonly NamedPolicy[] = [
    {
      name: "trusted principal's identity policy",
      document: { Statement: [{ Sid: "Assume", Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], Resource: "*" }] },
    },
  ];
  const isInOrg = (a: string) => org.accountById.has(a.split(":")[4]!);

  switch (role.kind) {
    case "service":
      for (const service of role.services) {
        add(`${service} assumes it for ${account.name}`, "allow", assume({ service }, { "aws:SourceAccount": account.id }));
        if (SERVICES_WITH_SOURCE_ACCOUNT.has(service))
          add(`${service} acting for another account cannot assume it`, "deny", assume({ service }, { "aws:SourceAccount": outsider }));
      }
      break;
    case "cross-account":
      for (const t of role.trusted) {
        const p = org.principalArn(t);
        if (isInOrg(p)) {
          add(`${p} assumes it without the third party's ExternalId`, "allow", assume({ arn: p }), assumer);
        } else {
          add(`third party ${p} assumes it with the ExternalId`, "allow", assume({ arn: p }, { "sts:ExternalId": role.externalId ?? "" }), assumer);
          add(`third party ${p} cannot assume it without the ExternalId`, "deny", assume({ arn: p }), assumer);
          add(`third party ${p} cannot assume it with a wrong ExternalId`, "deny", assume({ arn: p }, { "sts:ExternalId": "not-the-external-id" }), assumer);
        }
      }
      break;
    case "human":
    case "break-glass":
      for (const t of role.trusted) {
        const p = org.principalArn(t);
        add(
          `${p} assumes it after a recent MFA sign-in`,
          "allow",
          assume({ arn: p }, { "aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 60 }),
          assumer,
        );
        add(`${p} cannot assume it without MFA`, "deny", assume({ arn: p }, { "aws:MultiFactorAuthPresent": false }), assumer);
        add(
          `${p} cannot assume it with an MFA sign-in older than an hour`,
          "deny",
          assume({ arn: p }, { "aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 3601 }),
          assumer,
        );
      }
      break;
    case "brokered": {
      const broker = org.principalArn(role.broker);
      const sourceIdentity = { "sts:SourceIdentity": "jane@example.com" };
      // The broker's sts permissions are generated from access.rules: a brokered role no rule hands out is one nobody can assume.
      const handedOut = org.access?.rules.some((r) => r.target.roleArn === arn) ?? false;
      if (handedOut) {
        add(`broker ${broker} assumes it with a source identity`, "allow", assume({ arn: broker }, sourceIdentity), assumer);
        add(`broker ${broker} sets the source identity`, "allow", assume({ arn: broker }, sourceIdentity, "sts:SetSourceIdentity"), assumer);
      } else if (!org.access) {
        // With an access: section, accessIntents proves this denial for every role the broker does not hand out.
        add(`broker ${broker} cannot assume it: no access rule hands it out`, "deny", assume({ arn: broker }, sourceIdentity), assumer);
      }
      add(`broker ${broker} cannot assume it without a source identity`, "deny", assume({ arn: broker }), assumer);
      if (handedOut && role.sessionTags.length) {
        add(
          `broker ${broker} tags the session with ${role.sessionTags.join(", ")}`,
          "allow",
          assume({ arn: broker }, { ...sourceIdentity, "aws:TagKeys": role.sessionTags }, "sts:TagSession"),
          assumer,
        );
      }
      add(
        `broker ${broker} cannot tag the session with an undeclared key`,
        "deny",
        assume({ arn: broker }, { ...sourceIdentity, "aws:TagKeys": [...role.sessionTags, "Admin"] }, "sts:TagSession"),
        assumer,
      );
      break;
    }
    case "github":
      out.push(...githubIntents(subject, arn, account.id, githubRoleSubjects(role.subjects)));
      break;
  }
  out.push({
    subject,
    title: `a stranger of ${account.name} with sts:* cannot assume it`,
    expect: "deny",
    request: assume({ arn: strangerArn(account.id) }, { "aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 60, "sts:SourceIdentity": "x" }),
    options: { identity: STRANGER },
  });
  out.push({
    subject,
    title: "a principal of another organization cannot assume it",
    expect: "deny",
    request: assume(
      { arn: `arn:aws:iam::${outsider}:role/proof/outsider`, orgId: PROOF_OUTSIDER_ORG },
      { "aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 60, "sts:SourceIdentity": "x", "sts:ExternalId": "x" },
    ),
    options: { identity: OUTSIDER },
  });
  return out;
}

/**
 * Variants of a pinned subject that must not match: another repository, branch,
 * environment, or pull requests; for an immutable subject also other ids (a recreated
 * or recycled name) and the name-only form of the same repository.
 */
function otherSubjects(subject: string): string[] {
  const m = /^(repo:[^:]+):(.*)$/.exec(subject);
  if (!m) return [];
  const [, repo, rest] = m as unknown as [string, string, string];
  const variants = [`${repo}-fork:${rest}`, `${repo}:ref:refs/heads/attacker`, `${repo}:environment:attacker`, `${repo}:pull_request`];
  const ids = /^repo:([^@/]+)@(\d+)\/([^@/]+)@(\d+)$/.exec(repo);
  if (ids) {
    const [, owner, ownerId, name, repositoryId] = ids as unknown as [string, string, string, string, string];
    variants.push(
      `repo:${owner}@${ownerId}/${name}@${Number(repositoryId) + 1}:${rest}`,
      `repo:${owner}@${Number(ownerId) + 1}/${name}@${repositoryId}:${rest}`,
      `repo:${owner}/${name}:${rest}`,
    );
  }
  return variants.filter((s) => s !== subject);
}

function githubIntents(subject: string, arn: string, accountId: string, subjects: readonly string[]): Intent[] {
  const federated = githubProviderArn(accountId);
  const web = (sub: string, aud = "sts.amazonaws.com"): AccessRequest => ({
    principal: { federated },
    action: "sts:AssumeRoleWithWebIdentity",
    resource: { arn },
    context: { [`${GITHUB_OIDC_HOST}:sub`]: sub, [`${GITHUB_OIDC_HOST}:aud`]: aud },
  });
  const out: Intent[] = [];
  for (const sub of subjects) {
    out.push({ subject, title: `GitHub Actions with subject ${sub} assumes it`, expect: "allow", request: web(sub) });
    out.push({ subject, title: `a token for another audience cannot assume it (${sub})`, expect: "deny", request: web(sub, "other.example.com") });
  }
  for (const other of new Set(subjects.flatMap(otherSubjects))) {
    if (!subjects.includes(other)) out.push({ subject, title: `GitHub Actions with subject ${other} cannot assume it`, expect: "deny", request: web(other) });
  }
  return out;
}

function pipelineIntents(org: ResolvedOrg, account: ResolvedAccount): Intent[] {
  const roles = pipelineRoles(org, account);
  const pipelines = org.config.pipelines;
  if (!roles || !pipelines) return [];
  const subjects = pipelineSubjects(pipelines, account.environment);
  return [
    ...githubIntents(`${account.name}/role/${pipelines.planRoleName}`, roles.plan, account.id, subjects.plan),
    ...githubIntents(`${account.name}/role/${pipelines.applyRoleName}`, roles.apply, account.id, subjects.apply),
  ];
}
