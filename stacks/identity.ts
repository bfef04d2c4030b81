import type { ResolvedAccount, ResolvedOrg } from "../config/model.js";
import { GithubOidcProvider, PipelineRoles } from "../modules/github-oidc.js";
import { identityPlan } from "../modules/identity-plan.js";
import { BaselineKey } from "../modules/kms-key.js";
import { pipelineRoles } from "../modules/naming.js";
import { pipelineSubjects } from "../modules/pipeline-subjects.js";
import type { StateAccess } from "../modules/policies/identity-policy.js";
import { BaselineRole } from "../modules/roles.js";
import { ParameterHierarchy } from "../modules/parameters.js";
import { RolesAnywhereRoleProfile, RolesAnywhereTrustAnchor } from "../modules/roles-anywhere.js";
import { BaselineSecret } from "../modules/secret.js";
import { backendLocation } from "./backend.js";
import type { Capability } from "./capabilities.js";

/**
 * Identity, keys and secrets of one account-region: in the home region the GitHub
 * OIDC provider, the pipeline roles and the execution roles (IAM is global); in
 * every region its KMS keys and the secrets that live there.
 */
export const identityCapability: Capability = (scope, { org, stack }) => {
  const { account } = stack;
  const plan = identityPlan(org);

  if (stack.isHomeRegion) {
    const pipelines = org.config.pipelines;
    const needsGithub = pipelines !== undefined || account.roles.some((r) => r.kind === "github");
    const github = needsGithub ? new GithubOidcProvider(scope, "github-oidc") : undefined;
    const names = pipelineRoles(org, account);
    if (pipelines && github && names) {
      const subjects = pipelineSubjects(pipelines, account.environment);
      new PipelineRoles(scope, "pipeline-roles", {
        providerArn: github.arn,
        planRoleName: pipelines.planRoleName,
        applyRoleName: pipelines.applyRoleName,
        planSubjects: subjects.plan,
        applySubjects: subjects.apply,
        deployRoleArn: account.deployRoleArn,
        state: stateAccess(org, account),
        permissionsBoundary: account.permissionBoundaryArn,
      });
    }
    const anchors = new Map(
      plan
        .trustAnchors(account)
        .map((a) => [a.roleName, new RolesAnywhereTrustAnchor(scope, `rolesanywhere-anchor-${a.roleName}`, { roleName: a.roleName, source: a.source }).arn]),
    );
    for (const role of plan.roles(account, github?.arn, anchors)) {
      const created = new BaselineRole(scope, roleConstructId(role.config.name), {
        name: role.config.name,
        path: role.config.path,
        ...(role.config.description ? { description: role.config.description } : {}),
        trust: role.trust,
        ...(role.policy ? { policy: role.policy } : {}),
        managedPolicyArns: role.config.managedPolicies,
        permissionsBoundary: account.permissionBoundaryArn,
        maxSessionDuration: role.maxSessionDuration,
        tags: role.config.tags,
      });
      if (role.rolesAnywhere) {
        new RolesAnywhereRoleProfile(scope, `rolesanywhere-profile-${role.config.name}`, {
          roleName: role.config.name,
          roleArn: created.arn,
          durationSeconds: role.rolesAnywhere.durationSeconds,
          ...(role.rolesAnywhere.sessionPolicy ? { sessionPolicy: role.rolesAnywhere.sessionPolicy } : {}),
        });
      }
    }
  }

  const keys = new Map<string, BaselineKey>();
  // Rotation functions' roles by key, filled as the secrets are built; key policies read them at synth.
  const rotationRoles = new Map<string, string[]>();
  for (const key of plan.keys(account, stack.region)) {
    keys.set(
      key.config.name,
      new BaselineKey(scope, `key-${key.config.name}`, {
        name: key.config.name,
        description: key.config.description ?? `org-baseline key ${key.config.name} of ${account.name}`,
        policy: () => key.policyWith(rotationRoles.get(key.config.name) ?? []),
        rotationPeriodInDays: key.config.rotationPeriodDays,
        deletionWindowInDays: key.config.deletionWindowDays,
        tags: key.config.tags,
      }),
    );
  }
  for (const secret of plan.secrets(account, stack.region)) {
    const key = secret.config.key ? keys.get(secret.config.key) : undefined;
    if (secret.config.key && !key) throw new Error(`secret ${secret.config.name}: key ${secret.config.key} is not created in ${stack.region}`);
    const built = new BaselineSecret(scope, `secret-${constructId(secret.config.name)}`, {
      name: secret.config.name,
      ...(secret.config.description ? { description: secret.config.description } : {}),
      accountId: account.id,
      region: stack.region,
      ...(key ? { kmsKeyArn: key.arn, keyName: secret.config.key } : {}),
      replicaRegions: secret.replicaRegions,
      recoveryWindowDays: secret.config.recoveryWindowDays,
      tags: secret.config.tags,
      policy: secret.policy,
      ...(secret.config.rotation ? { rotation: secret.config.rotation } : {}),
      ...(secret.config.initialValue ? { initialValue: secret.config.initialValue } : {}),
    });
    if (built.rotationRoleArn && secret.config.key)
      (rotationRoles.get(secret.config.key) ?? rotationRoles.set(secret.config.key, []).get(secret.config.key)!).push(built.rotationRoleArn);
  }

  for (const hierarchy of plan.parameters(account, stack.region)) {
    const key = hierarchy.config.key ? keys.get(hierarchy.config.key) : undefined;
    if (hierarchy.config.key && !key) throw new Error(`parameters ${hierarchy.config.path}: key ${hierarchy.config.key} is not created in ${stack.region}`);
    new ParameterHierarchy(scope, `parameters-${constructId(hierarchy.config.path)}`, {
      parameters: hierarchy.parameters,
      tier: hierarchy.config.tier,
      ...(key ? { kmsKeyArn: key.arn } : {}),
      tags: hierarchy.config.tags,
    });
  }
};

/** The construct id of an execution role in its home-region stack (the access broker finds its role by it). */
export function roleConstructId(name: string): string {
  return `role-${name}`;
}

/** Where the account's pipeline roles read and write state: only this account's stacks' keys and lock files. */
function stateAccess(org: ResolvedOrg, account: ResolvedAccount): StateAccess {
  const backend = org.config.backend;
  if (backend.type !== "s3") return { type: "none" };
  if (backend.roleArn) return { type: "assume-role", roleArn: backend.roleArn };
  const stateKeys = org.stacks.filter((s) => s.account.name === account.name).map((s) => backendLocation(backend, s.name));
  const kms = backend.kmsKeyId;
  return {
    type: "s3",
    bucket: backend.bucket,
    region: backend.region,
    stateKeys,
    ...(kms?.includes(":key/") ? { kmsKeyArn: kms } : {}),
    ...(kms?.includes(":alias/") ? { kmsAliasArn: kms } : {}),
  };
}

/** Secret names may hold `/` and other characters construct ids cannot; each is spelled out, so ids stay distinct. */
function constructId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
}
