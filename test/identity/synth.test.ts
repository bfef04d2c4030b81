import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { pipelineRoles } from "../../modules/naming.js";
import { unescapeTerraformTemplate, type PolicyDocument, type Statement } from "../../modules/policies/document.js";
import { synthesizeInto } from "../../stacks/synth.js";
import { policiesIn, scanStack } from "./safety-scan.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface Stack {
  name: string;
  resource: Resources;
  data: Resources;
  variable: Record<string, { ephemeral?: boolean }>;
  ephemeral: Resources;
}

let org: ResolvedOrg;
let out: string;
let stacks: Map<string, Stack>;

beforeAll(() => {
  org = loadConfig("config/org.yaml");
  out = mkdtempSync(join(tmpdir(), "identity-synth-"));
  synthesizeInto(org, out);
  stacks = new Map(
    readdirSync(join(out, "stacks")).map((name) => {
      const json = JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as {
        resource?: Resources;
        data?: Resources;
        variable?: Stack["variable"];
        ephemeral?: Resources;
      };
      return [name, { name, resource: json.resource ?? {}, data: json.data ?? {}, variable: json.variable ?? {}, ephemeral: json.ephemeral ?? {} }];
    }),
  );
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

function stack(name: string): Stack {
  const s = stacks.get(name);
  if (!s) throw new Error(`no stack ${name}`);
  return s;
}

/** The one resource of `type` whose construct id starts with `prefix`. */
function resource(s: Stack, type: string, prefix: string): Record<string, unknown> {
  const matches = Object.entries(s.resource[type] ?? {}).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1) throw new Error(`${s.name}: expected one ${type} ${prefix}*, found ${matches.length}`);
  return matches[0]![1];
}

/** The policy as AWS receives it: Terraform reads `$${` in the JSON as a literal `${`. */
const policyOf = (r: Record<string, unknown>, field = "policy") => JSON.parse(unescapeTerraformTemplate(r[field] as string)) as PolicyDocument;
const statement = (doc: PolicyDocument, sid: string): Statement => {
  const s = doc.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${JSON.stringify(doc)}`);
  return s;
};

describe("identity wiring in the example organization", () => {
  it("wires a cross-account reader end to end: reader role, secret policy, key policy in every region of the secret", () => {
    const shared = stack("shared-services-eu-west-1");
    const secret = resource(shared, "aws_secretsmanager_secret", "secret-payments_2f_db-credentials");
    const keyId = Object.keys(shared.resource.aws_kms_key!).find((id) => id.startsWith("key-shared-secrets"))!;
    expect(secret.kms_key_id).toBe(`\${aws_kms_key.${keyId}.arn}`);
    expect(secret.replica).toEqual([{ region: "eu-central-1", kms_key_id: "alias/org-baseline/shared-secrets" }]);

    const readerArn = "arn:aws:iam::555555555555:role/payments-api";
    const secretPolicy = resource(shared, "aws_secretsmanager_secret_policy", "secret-payments_2f_db-credentials");
    expect(secretPolicy.block_public_policy).toBe(true);
    expect(statement(policyOf(secretPolicy), "NamedReaders")).toEqual({
      Sid: "NamedReaders",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::555555555555:root" },
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": readerArn }, StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" } },
    });

    for (const region of ["eu-west-1", "eu-central-1"]) {
      const key = resource(stack(`shared-services-${region}`), "aws_kms_key", "key-shared-secrets");
      expect(statement(policyOf(key), "CrossAccountDecryptViaSecretsmanager")).toEqual({
        Sid: "CrossAccountDecryptViaSecretsmanager",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::555555555555:root" },
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          ArnEquals: { "aws:PrincipalArn": readerArn },
          StringEquals: {
            "aws:PrincipalOrgID": "o-exampleorg1",
            "kms:CallerAccount": "555555555555",
            "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
          },
        },
      });
    }

    const reader = policyOf(resource(stack("payments-prod-eu-west-1"), "aws_iam_role_policy", "role-payments-api"));
    expect(statement(reader, "ReadSecrets").Resource).toEqual(
      expect.arrayContaining([
        "arn:aws:secretsmanager:eu-west-1:444444444444:secret:payments/db-credentials-??????",
        "arn:aws:secretsmanager:eu-central-1:444444444444:secret:payments/db-credentials-??????",
      ]),
    );
    const decrypt = reader.Statement.find((s) => JSON.stringify(s.Condition ?? {}).includes("alias/org-baseline/shared-secrets"))!;
    expect(decrypt).toMatchObject({
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: ["arn:aws:kms:eu-central-1:444444444444:key/*", "arn:aws:kms:eu-west-1:444444444444:key/*"],
      Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.eu-central-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"] } },
    });
  });

  it("wires a same-account reader: the secret's key is the stack's key, the role reads the exact ARN", () => {
    const prod = stack("payments-prod-eu-west-1");
    const secret = resource(prod, "aws_secretsmanager_secret", "secret-payments_2f_webhook-token");
    const keyId = Object.keys(prod.resource.aws_kms_key!).find((id) => id.startsWith("key-payments-data"))!;
    expect(secret.kms_key_id).toBe(`\${aws_kms_key.${keyId}.arn}`);
    const policy = policyOf(resource(prod, "aws_secretsmanager_secret_policy", "secret-payments_2f_webhook-token"));
    expect(statement(policy, "NamedReaders").Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::555555555555:role/payments-api" },
      StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" },
    });
    const reader = policyOf(resource(prod, "aws_iam_role_policy", "role-payments-api"));
    expect(statement(reader, "ReadSecrets").Resource).toContain("arn:aws:secretsmanager:eu-west-1:555555555555:secret:payments/webhook-token-??????");
    // A key user declared on the key gets the identity side too: use by alias, through the same services.
    const operator = policyOf(resource(prod, "aws_iam_role_policy", "role-payments-operator"));
    expect(statement(operator, "UseKeyPaymentsData555555555555")).toEqual({
      Sid: "UseKeyPaymentsData555555555555",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: ["arn:aws:kms:eu-central-1:555555555555:key/*", "arn:aws:kms:eu-west-1:555555555555:key/*"],
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/org-baseline/payments-data" },
        StringEquals: { "kms:ViaService": ["s3.eu-central-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"] },
      },
    });
    // The key policy lets the declared user decrypt only, and only through S3.
    expect(statement(policyOf(resource(prod, "aws_kms_key", "key-payments-data")), "KeyUserPaymentsOperator").Action).toEqual([
      "kms:Decrypt",
      "kms:DescribeKey",
    ]);
    expect(statement(policyOf(resource(prod, "aws_kms_key", "key-payments-data")), "KeyUserPaymentsOperator").Condition).toEqual({
      ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::555555555555:role/jit/payments-operator" },
      StringEquals: { "kms:CallerAccount": "555555555555", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
    });
  });

  it("grants ABAC access on both sides: tagged readers on the secret, tag-matching grants on the role", () => {
    const prod = stack("payments-prod-eu-west-1");
    const policy = policyOf(resource(prod, "aws_secretsmanager_secret_policy", "secret-payments_2f_signing-key"));
    expect(statement(policy, "TagReadersProjectPayments").Condition).toEqual({
      StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1", "aws:PrincipalTag/Project": "payments" },
    });
    const rolePolicy = resource(prod, "aws_iam_role_policy", "role-payments-api");
    const role = policyOf(rolePolicy);
    expect(statement(role, "AbacReadSecrets").Condition).toEqual({ StringEquals: { "aws:ResourceTag/Project": "${aws:PrincipalTag/Project}" } });
    // In Terraform's JSON a bare `${` starts an interpolation: the IAM variable must reach it escaped, or plan fails.
    expect(rolePolicy.policy).toContain('"aws:ResourceTag/Project":"$${aws:PrincipalTag/Project}"');
    expect(rolePolicy.policy as string).not.toMatch(/(^|[^$])\$\{aws:/);
  });

  it("rotates through an AWS-published template or a given function, with the invoke permission pinned to the account", () => {
    const shared = stack("shared-services-eu-west-1");
    const app = resource(shared, "aws_serverlessapplicationrepository_cloudformation_stack", "secret-payments_2f_db-credentials");
    expect(app.application_id).toBe("arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser");
    expect(resource(shared, "aws_lambda_permission", "secret-payments_2f_db-credentials")).toMatchObject({
      principal: "secretsmanager.amazonaws.com",
      source_account: "444444444444",
    });
    expect(resource(shared, "aws_secretsmanager_secret_rotation", "secret-payments_2f_db-credentials").rotation_rules).toEqual({
      automatically_after_days: 30,
    });
    const prod = stack("payments-prod-eu-west-1");
    expect(resource(prod, "aws_secretsmanager_secret_rotation", "secret-payments_2f_signing-key").rotation_rules).toEqual({
      schedule_expression: "rate(30 days)",
      duration: "2h",
    });
  });

  it("creates the break-glass and brokered roles with their bounds", () => {
    const security = stack("security-eu-west-1");
    const breakGlass = resource(security, "aws_iam_role", "role-break-glass-admin");
    expect(statement(policyOf(breakGlass, "assume_role_policy"), "PeopleWithMfa").Condition).toMatchObject({
      Bool: { "aws:MultiFactorAuthPresent": true },
      NumericLessThan: { "aws:MultiFactorAuthAge": 900 },
    });
    expect(statement(policyOf(resource(security, "aws_iam_role_policy", "role-break-glass-admin")), "DenyAfterSessionBound").Condition).toEqual({
      NumericGreaterThan: { "aws:MultiFactorAuthAge": 900 },
    });
    const brokered = resource(stack("payments-prod-eu-west-1"), "aws_iam_role", "role-payments-operator");
    expect(brokered.path).toBe("/jit/");
    expect(statement(policyOf(brokered, "assume_role_policy"), "BrokerWithSourceIdentity").Condition).toMatchObject({
      ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/access-broker" },
      Null: { "sts:SourceIdentity": "false" },
    });
  });

  it("creates the GitHub OIDC provider and the pipeline roles the workflows assume, in home regions only", () => {
    for (const account of org.accounts) {
      const names = pipelineRoles(org, account)!;
      for (const region of account.regions) {
        const s = stack(`${account.name}-${region}`);
        const providers = Object.values(s.resource.aws_iam_openid_connect_provider ?? {});
        if (region !== account.homeRegion) {
          expect(providers).toEqual([]);
          continue;
        }
        expect(providers).toEqual([expect.objectContaining({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] })]);
        const plan = resource(s, "aws_iam_role", "pipeline-roles_plan");
        const apply = resource(s, "aws_iam_role", "pipeline-roles_apply");
        expect(`arn:aws:iam::${account.id}:role${plan.path}${plan.name}`).toBe(names.plan);
        expect(`arn:aws:iam::${account.id}:role${apply.path}${apply.name}`).toBe(names.apply);
        expect(statement(policyOf(plan, "assume_role_policy"), "GithubActions").Condition).toEqual({
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:example-corp@81234567/org-baseline-live@1045678901:pull_request",
          },
        });
        expect(statement(policyOf(apply, "assume_role_policy"), "GithubActions").Condition).toEqual({
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": `repo:example-corp@81234567/org-baseline-live@1045678901:environment:${account.environment}`,
          },
        });
        const applyPolicy = policyOf(resource(s, "aws_iam_role_policy", "pipeline-roles_apply"));
        expect(statement(applyPolicy, "AssumeDeployRole").Resource).toBe(account.deployRoleArn);
        const ownKeys = account.regions.map((r) => `arn:aws:s3:::example-corp-baseline-tfstate/org-baseline/${account.name}-${r}.tfstate`).sort();
        expect(statement(applyPolicy, "ReadWriteOwnState").Resource).toEqual(ownKeys.length === 1 ? ownKeys[0] : ownKeys);
      }
    }
  });

  it("trusts the pinned branch for apply and grants no S3 state with an HCP backend", () => {
    const text = readFileSync("config/org.yaml", "utf8")
      .replace("applyTrust: environment", "applyTrust: branch")
      .replace(/\nbackend:\n( {2}.*\n)+/, "\nbackend:\n  type: hcp\n  organization: example-corp\n");
    expect(text).toContain("type: hcp");
    const variant = parseConfig(text, "variant.yaml");
    const dir = mkdtempSync(join(tmpdir(), "identity-synth-"));
    try {
      synthesizeInto(variant, dir);
      const json = JSON.parse(readFileSync(join(dir, "stacks", "payments-prod-eu-west-1", "cdk.tf.json"), "utf8")) as { resource: Resources };
      const s: Stack = { name: "payments-prod-eu-west-1", resource: json.resource, data: {}, variable: {}, ephemeral: {} };
      const apply = resource(s, "aws_iam_role", "pipeline-roles_apply");
      expect(statement(policyOf(apply, "assume_role_policy"), "GithubActions").Condition).toEqual({
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:example-corp@81234567/org-baseline-live@1045678901:ref:refs/heads/main",
        },
      });
      expect(policyOf(resource(s, "aws_iam_role_policy", "pipeline-roles_apply")).Statement).toEqual([
        { Sid: "AssumeDeployRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::555555555555:role/OrganizationAccountAccessRole" },
      ]);
      expect(JSON.stringify(policyOf(resource(s, "aws_iam_role_policy", "pipeline-roles_plan")))).not.toContain("s3:ListBucket");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("safety scan of every synthesized stack", () => {
  const scanned = () =>
    [...stacks.values()].map((s) => ({
      name: s.name,
      resource: s.resource,
      variable: s.variable,
      ephemeral: s.ephemeral,
      permissionBoundaryArn: org.stacks.find((x) => x.name === s.name)!.account.permissionBoundaryArn,
    }));

  it("finds no secret value, wildcard OIDC subject, unconditioned * principal, Action *, key without rotation or role without the boundary", () => {
    expect(scanned().flatMap(scanStack)).toEqual([]);
  });

  it("scanned what matters: OIDC trusts, keys, roles and secret policies", () => {
    const all = scanned();
    const count = (type: string) => all.reduce((n, s) => n + Object.keys(s.resource[type] ?? {}).length, 0);
    expect(count("aws_kms_key")).toBeGreaterThan(10);
    expect(count("aws_iam_role")).toBeGreaterThan(20);
    expect(count("aws_secretsmanager_secret_policy")).toBe(4);
    expect(count("aws_secretsmanager_secret_version")).toBe(2);
    expect(count("aws_ssm_parameter")).toBe(3);
    expect(all.flatMap(policiesIn).filter(({ doc }) => JSON.stringify(doc).includes("githubusercontent.com:sub")).length).toBeGreaterThan(12);
  });
});
