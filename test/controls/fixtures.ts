import type { ResolvedOrg } from "../../config/model.js";
import { GUARDRAILS_OUTPUT, guardrailDeclaration } from "../../modules/controls/guardrail-predicates.js";
import { ACCESS_ANALYZER_OUTPUT } from "../../modules/controls/access-analyzer-predicates.js";
import type { SynthesizedStack } from "../../modules/controls/types.js";
import { planGuardrails } from "../../modules/guardrail-plan.js";

const ORG = "o-exampleorg1";

const perimeter = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Org",
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG } },
    },
    { Sid: "Services", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { Bool: { "aws:PrincipalIsAWSService": true } } },
    {
      Sid: "Resourceless",
      Effect: "Allow",
      Principal: "*",
      Action: ["sts:GetCallerIdentity"],
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
    },
  ],
});

const endpoint = (service: string) => ({
  vpc_id: "vpc-0a1b2c3d4e5f67890",
  service_name: `com.amazonaws.eu-west-1.${service}`,
  vpc_endpoint_type: "Interface",
  private_dns_enabled: true,
  subnet_ids: ["subnet-0a1b2c3d4e5f60001"],
  security_group_ids: ["${aws_security_group.sg.id}"],
  policy: perimeter,
});

/** A stack that satisfies every control of the catalog; tests break one thing at a time. */
export function goodStack(): SynthesizedStack {
  return {
    name: "app-eu-west-1",
    json: {
      resource: {
        aws_kms_key: {
          secrets: { enable_key_rotation: true, deletion_window_in_days: 30, customer_master_key_spec: "SYMMETRIC_DEFAULT", policy: "{}" },
        },
        aws_secretsmanager_secret: { db: { name: "db", kms_key_id: "${aws_kms_key.secrets.arn}" } },
        aws_secretsmanager_secret_version: {
          db: { secret_id: "${aws_secretsmanager_secret.db.id}", secret_string_wo: "${var.db_first_value}", secret_string_wo_version: 1 },
        },
        aws_ssm_parameter: {
          url: {
            name: "/prod/app/database-url",
            type: "SecureString",
            key_id: "${aws_kms_key.secrets.arn}",
            value_wo: "${ephemeral.aws_secretsmanager_random_password.url.random_password}",
            value_wo_version: 2,
          },
          level: { name: "/prod/app/log-level", type: "String", value: "info" },
        },
        aws_secretsmanager_secret_rotation: {
          db: {
            secret_id: "${aws_secretsmanager_secret.db.id}",
            rotation_lambda_arn: "${aws_lambda_function.rotate.arn}",
            rotation_rules: { automatically_after_days: 30 },
          },
        },
        aws_lambda_function: { rotate: { function_name: "rotate-db" } },
        aws_lambda_permission: {
          rotate: {
            function_name: "${aws_lambda_function.rotate.function_name}",
            principal: "secretsmanager.amazonaws.com",
            source_account: "555555555555",
            action: "lambda:InvokeFunction",
          },
        },
        aws_secretsmanager_secret_policy: {
          db: {
            secret_arn: "${aws_secretsmanager_secret.db.arn}",
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::555555555555:role/app" }, Action: "secretsmanager:GetSecretValue", Resource: "*" },
              ],
            }),
          },
        },
        aws_iam_policy: {
          reader: {
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: "arn:aws:secretsmanager:eu-west-1:555555555555:secret:db-??????" },
              ],
            }),
          },
        },
        aws_iam_role: {
          app: {
            assume_role_policy: "{}",
            inline_policy: [
              { name: "logs", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }] }) },
            ],
          },
        },
        aws_cloudwatch_log_group: { app: { name: "/app", retention_in_days: 365, kms_key_id: "${aws_kms_key.secrets.arn}" } },
        aws_security_group: { sg: { vpc_id: "vpc-0a1b2c3d4e5f67890", egress: [] } },
        aws_vpc_security_group_ingress_rule: {
          https: { security_group_id: "${aws_security_group.sg.id}", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.20.0.0/16" },
        },
        aws_vpc_endpoint: Object.fromEntries(["secretsmanager", "kms", "sts", "logs", "ssm"].map((s) => [s, endpoint(s)])),
        aws_securityhub_account: { hub: { enable_default_standards: false } },
        aws_securityhub_standards_subscription: {
          fsbp: { standards_arn: "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0" },
        },
        aws_config_configuration_recorder: {
          rec: { name: "org-baseline", role_arn: "arn:aws:iam::555555555555:role/rec", recording_group: { all_supported: true } },
        },
        aws_config_configuration_recorder_status: { rec: { name: "${aws_config_configuration_recorder.rec.name}", is_enabled: true } },
        aws_config_delivery_channel: { rec: { s3_bucket_name: "bucket" } },
        aws_organizations_delegated_administrator: {
          hub: { account_id: "555555555555", service_principal: "securityhub.amazonaws.com" },
          analyzer: { account_id: "555555555555", service_principal: "access-analyzer.amazonaws.com" },
        },
        aws_accessanalyzer_analyzer: {
          external: { analyzer_name: "org-baseline-external-access", type: "ORGANIZATION" },
          unused: {
            analyzer_name: "org-baseline-unused-access",
            type: "ORGANIZATION_UNUSED_ACCESS",
            configuration: { unused_access: { unused_access_age: 90 } },
          },
        },
      },
      output: { [ACCESS_ANALYZER_OUTPUT]: { value: { externalAccess: true, unusedAccessDays: 90 } } },
      variable: { db_first_value: { type: "string", ephemeral: true, sensitive: true } },
      ephemeral: { aws_secretsmanager_random_password: { url: { password_length: 32 } } },
    },
  };
}

type Res = Record<string, Record<string, Record<string, unknown>>>;

/** A copy of the good stack with `edit` applied to its resources. */
export function broken(edit: (r: Res) => void): SynthesizedStack {
  const stack = goodStack();
  edit(stack.json.resource as Res);
  return stack;
}

/**
 * The good stack plus what the management stack adds for guardrails: the example's
 * policies (from the real planner), their attachments to the root, and the declaration.
 */
export function guardrailStack(org: ResolvedOrg): SynthesizedStack {
  const stack = goodStack();
  const plan = planGuardrails(org, org.guardrails!);
  const resources = stack.json.resource!;
  resources.aws_organizations_policy = Object.fromEntries(plan.policies.map((p) => [p.name, { name: p.name, type: p.type, content: p.json }]));
  resources.aws_organizations_policy_attachment = Object.fromEntries(
    plan.policies.map((p) => [
      p.name,
      { policy_id: `\${aws_organizations_policy.${p.name}.id}`, target_id: "${data.aws_organizations_organization.org.roots[0].id}" },
    ]),
  );
  stack.json.output = { [GUARDRAILS_OUTPUT]: { value: guardrailDeclaration(org.guardrails!) } };
  return stack;
}

/** A guardrail stack without the statements whose Sid starts with `sid`. */
export function withoutStatement(stack: SynthesizedStack, sid: string): SynthesizedStack {
  for (const policy of Object.values(stack.json.resource!.aws_organizations_policy!)) {
    const doc = JSON.parse(policy.content as string) as { Statement: Array<{ Sid?: string }> };
    doc.Statement = doc.Statement.filter((s) => !s.Sid?.startsWith(sid));
    policy.content = JSON.stringify(doc);
  }
  return stack;
}
