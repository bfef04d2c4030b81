import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../config/load.js";
import { evaluate } from "../../modules/access/evaluate.js";
import { identityPlan } from "../../modules/identity-plan.js";
import { canonicalPolicy, type PolicyDocument, type Statement } from "../../modules/policies/document.js";

/** A small organization: `shared` owns a key and a secret; `app` uses both from another account. */
function plan(extra: { appRoles?: unknown[]; sharedSecrets?: unknown[]; sharedRoles?: unknown[]; sharedKey?: Record<string, unknown> } = {}) {
  const org = parseConfig(
    stringify({
      organization: { id: "o-exampleorg1", name: "Example" },
      defaults: { regions: ["eu-west-1"] },
      permissionBoundary: { name: "boundary" },
      backend: { type: "s3", bucket: "tf-state-bucket", region: "eu-west-1" },
      accounts: [
        {
          id: "111111111111",
          name: "shared",
          role: "shared",
          environment: "shared",
          ou: "/",
          keys: [{ name: "data", ...extra.sharedKey }],
          secrets: extra.sharedSecrets ?? [],
          roles: extra.sharedRoles ?? [],
        },
        { id: "222222222222", name: "app", role: "workload", environment: "prod", ou: "/", tags: { Project: "payments" }, roles: extra.appRoles ?? [] },
        { id: "333333333333", name: "security", role: "security", environment: "security", ou: "/" },
      ],
    }),
    "org.yaml",
  );
  const p = identityPlan(org);
  return {
    keyPolicy: () => canonicalPolicy(p.keys(org.accountByName.get("shared")!, "eu-west-1")[0]!.policy),
    rolePolicy: (name: string) => canonicalPolicy(p.roles(org.accountByName.get("app")!).find((r) => r.config.name === name)!.policy!),
    secretPolicy: () => p.secrets(org.accountByName.get("shared")!, "eu-west-1")[0]!.policy,
    sharedRolePolicy: (name: string) => p.roles(org.accountByName.get("shared")!).find((r) => r.config.name === name)!.policy!,
  };
}

const sid = (doc: PolicyDocument, prefix: string): Statement[] => doc.Statement.filter((s) => s.Sid?.startsWith(prefix));

describe("identity plan", () => {
  it("wires a cross-account key grant on both sides with the same actions and services", () => {
    const p = plan({
      appRoles: [
        {
          name: "worker",
          kind: "service",
          services: ["lambda.amazonaws.com"],
          grants: { keys: [{ key: { account: "shared", name: "data" }, via: ["s3"], access: "encrypt" }] },
        },
      ],
    });
    expect(sid(p.keyPolicy(), "CrossAccount")).toEqual([
      {
        Sid: "CrossAccountEncryptGenerateDataKeyViaS3",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/worker" },
          StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1", "kms:CallerAccount": "222222222222", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        },
      },
    ]);
    expect(sid(p.rolePolicy("worker"), "UseKey")).toEqual([
      {
        Sid: "UseKeyData111111111111",
        Effect: "Allow",
        Action: ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "arn:aws:kms:eu-west-1:111111111111:key/*",
        Condition: {
          "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/org-baseline/data" },
          StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        },
      },
    ]);
  });

  it("turns a role's secret grant into a reader on the secret and a Secrets Manager decrypt on its key", () => {
    const p = plan({
      sharedSecrets: [{ name: "db", key: "data" }],
      appRoles: [{ name: "api", kind: "service", services: ["ecs-tasks.amazonaws.com"], grants: { secrets: [{ account: "shared", name: "db" }] } }],
    });
    expect(p.secretPolicy().readerArns).toEqual(["arn:aws:iam::222222222222:role/api"]);
    expect(sid(p.keyPolicy(), "CrossAccount")[0]!.Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/api" },
      StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1", "kms:CallerAccount": "222222222222", "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
    });
    expect(sid(p.rolePolicy("api"), "ReadSecrets")[0]!.Resource).toBe("arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-??????");
  });

  it("lets ABAC readers of other accounts decrypt by tag, caller account and organization", () => {
    const p = plan({ sharedSecrets: [{ name: "db", key: "data", readers: [{ tags: { Project: "payments" }, accounts: ["app"] }] }] });
    expect(p.secretPolicy().tagReaders).toEqual([{ tags: { Project: "payments" }, accountIds: ["222222222222"] }]);
    expect(sid(p.keyPolicy(), "CrossAccount")).toEqual([
      {
        Sid: "CrossAccountTaggedProjectPaymentsViaSecretsmanager",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::222222222222:root" },
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "aws:PrincipalOrgID": "o-exampleorg1",
            "aws:PrincipalTag/Project": "payments",
            "kms:CallerAccount": "222222222222",
            "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("defaults an ABAC reader to every account of the organization", () => {
    const p = plan({ sharedSecrets: [{ name: "db", key: "data", readers: [{ tags: { Project: "payments" } }] }] });
    expect(p.secretPolicy().tagReaders![0]!.accountIds).toEqual(["111111111111", "222222222222", "333333333333"]);
    expect(sid(p.keyPolicy(), "CrossAccount")[0]!.Principal).toEqual({ AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] });
  });

  it("gives key administrators the identity side of their management, so the key policy's delegation to IAM lets them in", () => {
    const ops = { name: "ops", kind: "service", services: ["lambda.amazonaws.com"], managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] };
    const p = plan({ sharedRoles: [ops], sharedKey: { administrators: ["ops"] } });
    const key = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd";
    const decide = (action: string, context: Record<string, string> = {}) =>
      evaluate(
        {
          principal: { arn: "arn:aws:iam::111111111111:role/ops", orgId: "o-exampleorg1" },
          action,
          resource: { arn: key, orgId: "o-exampleorg1" },
          context: { "kms:ResourceAliases": ["alias/org-baseline/data"], ...context },
        },
        { identity: [{ name: "ops", document: p.sharedRolePolicy("ops") }], resource: { name: "key", document: p.keyPolicy() } },
        { resourceKind: "kms-key" },
      );
    for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"]) expect(decide(action).decision).toBe("Allow");
    expect(decide("kms:Decrypt").decision).not.toBe("Allow");
    expect(decide("kms:Decrypt", { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" }).decision).not.toBe("Allow");
    expect(sid(canonicalPolicy(p.sharedRolePolicy("ops")), "AdministerKey")[0]).toMatchObject({
      Resource: "arn:aws:kms:eu-west-1:111111111111:key/*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/org-baseline/data" } },
    });
  });
});
