import { describe, expect, it } from "vitest";
import { controls } from "../../modules/controls/catalog.js";
import { rotationIntervalDays } from "../../modules/controls/predicates.js";
import type { SynthesizedStack } from "../../modules/controls/types.js";
import { loadConfig } from "../../config/load.js";
import { GUARDRAIL_IDS, GUARDRAILS } from "../../modules/guardrail-plan.js";
import { broken, goodStack, guardrailStack, withoutStatement } from "./fixtures.js";

const example = loadConfig("config/org.yaml");
const guardrailControlId = (id: string) => `GUARDRAIL-${id.replace(/[A-Z]/g, (l) => `-${l}`).toUpperCase()}`;

type Breaker = { stack: SynthesizedStack; why: RegExp };

const adminPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const serviceWildcard = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "S3All", Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::b/*" }],
});

/** For every catalog control, one deliberately broken stack and the reason it must give. */
const breakers: Record<string, Breaker[]> = {
  "SECRETS-ROTATION": [
    { stack: broken((r) => delete r.aws_secretsmanager_secret_rotation), why: /never rotated/ },
    { stack: broken((r) => (r.aws_secretsmanager_secret_rotation!.db!.rotation_rules = {})), why: /neither automatically_after_days nor schedule_expression/ },
  ],
  "SECRETS-ROTATION-SUCCESS": [
    { stack: broken((r) => delete r.aws_lambda_permission), why: /no aws_lambda_permission lets secretsmanager.amazonaws.com/ },
    { stack: broken((r) => delete r.aws_lambda_permission!.rotate!.source_account), why: /with source_account/ },
    { stack: broken((r) => (r.aws_secretsmanager_secret_rotation!.db!.rotation_lambda_arn = "")), why: /rotation_lambda_arn is empty/ },
    {
      stack: broken((r) => (r.aws_secretsmanager_secret_rotation!.db!.rotation_lambda_arn = "arn:aws:lambda:eu-west-1:555555555555:function:elsewhere")),
      why: /invoke arn:aws:lambda:eu-west-1:555555555555:function:elsewhere/,
    },
  ],
  "SECRETS-PERIODIC-ROTATION": [
    {
      stack: broken((r) => (r.aws_secretsmanager_secret_rotation!.db!.rotation_rules = { automatically_after_days: 120 })),
      why: /rotates every 120 days; at most 90/,
    },
    { stack: broken((r) => (r.aws_secretsmanager_secret_rotation!.db!.rotation_rules = { schedule_expression: "cron(0 8 1 1 ? *)" })), why: /cannot be shown/ },
  ],
  "SECRETS-UNUSED": [
    { stack: broken((r) => delete r.aws_secretsmanager_secret_policy), why: /no resource policy names a reader/ },
    {
      stack: broken(
        (r) =>
          (r.aws_secretsmanager_secret_policy!.db!.policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
          })),
      ),
      why: /allows no secretsmanager:GetSecretValue/,
    },
  ],
  "SECRETS-CMK": [
    { stack: broken((r) => delete r.aws_secretsmanager_secret!.db!.kms_key_id), why: /kms_key_id is not set/ },
    { stack: broken((r) => (r.aws_secretsmanager_secret!.db!.kms_key_id = "alias/aws/secretsmanager")), why: /AWS-managed key/ },
  ],
  "VALUES-WRITE-ONLY": [
    {
      stack: broken((r) => (r.aws_secretsmanager_secret_version!.db!.secret_string = "hunter2")),
      why: /secret_string is set: the plan and Terraform state keep it/,
    },
    { stack: broken((r) => (r.aws_secretsmanager_secret_version!.db!.secret_string_wo = "hunter2")), why: /secret_string_wo is not an ephemeral variable/ },
    {
      stack: broken((r) => (r.aws_secretsmanager_secret_version!.db!.secret_string_wo = "${var.not_ephemeral}")),
      why: /secret_string_wo is not an ephemeral variable/,
    },
    { stack: broken((r) => (r.aws_ssm_parameter!.url!.value = "postgres://u:p@h/db")), why: /value is set/ },
    {
      stack: broken((r) => (r.aws_ssm_parameter!.url!.value_wo = "${ephemeral.aws_secretsmanager_random_password.missing.random_password}")),
      why: /value_wo is not an ephemeral/,
    },
    { stack: broken((r) => delete r.aws_ssm_parameter!.url!.value_wo_version), why: /value_wo_version is not a number/ },
  ],
  "PARAMETERS-SECURESTRING-CMK": [
    { stack: broken((r) => delete r.aws_ssm_parameter!.url!.key_id), why: /key_id is not set/ },
    { stack: broken((r) => (r.aws_ssm_parameter!.url!.key_id = "alias/aws/ssm")), why: /AWS-managed key/ },
  ],
  "PARAMETERS-NO-PLAINTEXT-CREDENTIALS": [
    { stack: broken((r) => (r.aws_ssm_parameter!.level!.name = "/prod/app/dbPassword")), why: /looks like a credential \("password"\)/ },
    { stack: broken((r) => (r.aws_ssm_parameter!.level!.name = "/prod/app/stripe-api-key")), why: /"api key"/ },
  ],
  "KMS-ROTATION": [{ stack: broken((r) => (r.aws_kms_key!.secrets!.enable_key_rotation = false)), why: /enable_key_rotation is not true/ }],
  "KMS-NO-PENDING-DELETION": [
    { stack: broken((r) => (r.aws_kms_key!.secrets!.is_enabled = false)), why: /disabled/ },
    { stack: broken((r) => (r.aws_kms_key!.secrets!.deletion_window_in_days = 7)), why: /deletion_window_in_days is 7/ },
  ],
  "IAM-NO-ADMIN": [
    { stack: broken((r) => (r.aws_iam_policy!.reader!.policy = adminPolicy)), why: /full administrator access/ },
    { stack: broken((r) => (r.aws_iam_role!.app!.inline_policy = [{ name: "x", policy: adminPolicy }])), why: /full administrator access/ },
  ],
  "IAM-NO-WILDCARD-ACTIONS": [
    { stack: broken((r) => (r.aws_iam_policy!.reader!.policy = serviceWildcard)), why: /statement S3All: allows wildcard actions s3:\*/ },
    {
      stack: broken(
        (r) =>
          (r.aws_iam_policy!.reader!.policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] })),
      ),
      why: /NotAction/,
    },
    { stack: broken((r) => (r.aws_iam_policy!.reader!.policy = "${jsonencode(local.p)}")), why: /cannot be verified/ },
  ],
  "LOGS-RETENTION": [
    { stack: broken((r) => (r.aws_cloudwatch_log_group!.app!.retention_in_days = 30)), why: /retention_in_days is 30; at least 90/ },
    { stack: broken((r) => delete r.aws_cloudwatch_log_group!.app!.retention_in_days), why: /kept forever/ },
  ],
  "LOGS-ENCRYPTED": [{ stack: broken((r) => delete r.aws_cloudwatch_log_group!.app!.kms_key_id), why: /kms_key_id is not set/ }],
  "VPC-ENDPOINT-PERIMETER": [
    { stack: broken((r) => delete r.aws_vpc_endpoint!.kms!.policy), why: /no endpoint policy/ },
    {
      stack: broken(
        (r) =>
          (r.aws_vpc_endpoint!.kms!.policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
          })),
      ),
      why: /without aws:PrincipalOrgID/,
    },
    {
      stack: broken(
        (r) =>
          (r.aws_vpc_endpoint!.kms!.policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-exampleorg1" } } },
            ],
          })),
      ),
      why: /aws:ResourceOrgID is missing/,
    },
    { stack: broken((r) => (r.aws_vpc_endpoint!.kms!.private_dns_enabled = false)), why: /private_dns_enabled/ },
    { stack: broken((r) => (r.aws_vpc_endpoint!.kms!.security_group_ids = [])), why: /no security group/ },
    { stack: broken((r) => (r.aws_vpc_security_group_ingress_rule!.https!.cidr_ipv4 = "0.0.0.0/0")), why: /whole internet/ },
    { stack: broken((r) => (r.aws_vpc_security_group_ingress_rule!.https!.to_port = 8443)), why: /more than TCP 443/ },
  ],
  "SECURITYHUB-ENABLED": [
    { stack: broken((r) => delete r.aws_securityhub_account), why: /Security Hub is not enabled/ },
    { stack: broken((r) => delete r.aws_securityhub_standards_subscription), why: /without any standard/ },
  ],
  "CONFIG-ENABLED": [
    { stack: broken((r) => delete r.aws_config_configuration_recorder), why: /no configuration recorder/ },
    { stack: broken((r) => (r.aws_config_configuration_recorder_status!.rec!.is_enabled = false)), why: /turns it on/ },
    { stack: broken((r) => (r.aws_config_configuration_recorder!.rec!.recording_group = { all_supported: false })), why: /all_supported/ },
    { stack: broken((r) => delete r.aws_config_delivery_channel), why: /no delivery channel/ },
  ],
  "LOGS-METRIC-FILTER-QUOTA": [
    {
      stack: broken((r) => {
        r.aws_cloudwatch_log_metric_filter = Object.fromEntries(
          Array.from({ length: 101 }, (_, i) => [`f${String(i).padStart(3, "0")}`, { log_group_name: "/org/trail", name: `f${i}`, pattern: "" }]),
        );
      }),
      why: /log group \/org\/trail gets 101 metric filters; CloudWatch Logs allows 100 per log group/,
    },
  ],
  "TERRAFORM-TEMPLATES": [
    {
      stack: broken(
        (r) =>
          (r.aws_iam_policy!.reader!.policy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:PrincipalTag/Project}/*" }],
          })),
      ),
      why: /policy: "\$\{aws:PrincipalTag\/Project\}" is not a Terraform expression; a literal \$\{ must be written \$\$\{/,
    },
    { stack: broken((r) => (r.aws_cloudwatch_log_group!.app!.name = "/app/%{ if x }")), why: /name: "%\{ if x \}" starts a template directive/ },
    { stack: broken((r) => (r.aws_kms_key!.secrets!.description = "${Project}")), why: /description: "\$\{Project\}" is not a Terraform expression/ },
  ],
};
for (const service of ["secretsmanager", "kms", "sts", "logs", "ssm"]) {
  breakers[`VPC-ENDPOINT-${service.toUpperCase()}`] = [{ stack: broken((r) => delete r.aws_vpc_endpoint![service]), why: new RegExp(`none for ${service}`) }];
}

for (const id of GUARDRAIL_IDS) {
  breakers[guardrailControlId(id)] = GUARDRAILS[id].sids.map((sid) => ({
    stack: withoutStatement(guardrailStack(example), sid),
    why: new RegExp(`denies ${sid}: the .* guardrail is declared but not generated`),
  }));
}
breakers["GUARDRAIL-NO-STANDING-CREDENTIALS"]!.push({
  stack: (() => {
    const stack = guardrailStack(example);
    delete stack.json.resource!.aws_organizations_policy_attachment;
    return stack;
  })(),
  why: /attached to 0 of the 1 declared targets \(\/\)/,
});
breakers["ACCESS-ANALYZER-EXTERNAL"] = [
  {
    stack: broken((r) => delete r.aws_accessanalyzer_analyzer!.external),
    why: /no aws_accessanalyzer_analyzer of type ORGANIZATION: .*aws_accessanalyzer_analyzer.unused is ORGANIZATION_UNUSED_ACCESS/,
  },
  { stack: broken((r) => (r.aws_accessanalyzer_analyzer!.external!.type = "ACCOUNT")), why: /external is ACCOUNT/ },
  {
    stack: broken((r) => delete r.aws_organizations_delegated_administrator!.analyzer),
    why: /delegated for securityhub.amazonaws.com but not for access-analyzer/,
  },
];
breakers["ACCESS-ANALYZER-UNUSED"] = [
  { stack: broken((r) => delete r.aws_accessanalyzer_analyzer!.unused), why: /no aws_accessanalyzer_analyzer of type ORGANIZATION_UNUSED_ACCESS/ },
  {
    stack: broken((r) => (r.aws_accessanalyzer_analyzer!.unused!.configuration = [{ unused_access: [{ unused_access_age: 30 }] }])),
    why: /over 30 days; the config asks for 90/,
  },
];
breakers["IAM-ACCESS-KEYS-ROTATED"] = [{ stack: broken((r) => (r.aws_iam_access_key = { ci: { user: "ci" } })), why: /never expires/ }];
breakers["IAM-UNUSED-CREDENTIALS"] = [
  { stack: broken((r) => (r.aws_iam_user = { ci: { name: "ci" } })), why: /an IAM user or its credential/ },
  { stack: broken((r) => (r.aws_iam_user_login_profile = { ci: { user: "ci" } })), why: /an IAM user or its credential/ },
];
breakers["IAM-ROOT-ACCESS-KEY"] = [
  {
    stack: (() => {
      const stack = goodStack();
      stack.json.provider = { aws: [{ region: "eu-west-1", access_key: "AKIAEXAMPLE", secret_key: "redacted" }] };
      return stack;
    })(),
    why: /signs with a static access_key, secret_key/,
  },
];

const parameters = (id: string) => controls.find((c) => c.id === id)!.configRule?.parameters ?? {};

describe("catalog predicates", () => {
  it("every control has broken-stack cases here (adding a control means adding its test)", () => {
    expect(Object.keys(breakers).sort()).toEqual(controls.map((c) => c.id).sort());
  });

  it.each(controls.map((c) => [c.id, c] as const))("%s passes on the good stack", (_id, control) => {
    expect(control.check(goodStack(), parameters(control.id))).toEqual([]);
  });

  it.each(controls.flatMap((c) => (breakers[c.id] ?? []).map((b, i) => [c.id, i, b] as const)))("%s catches broken stack #%i", (id, _i, breaker) => {
    const control = controls.find((c) => c.id === id)!;
    const violations = control.check(breaker.stack, parameters(id));
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.map((v) => v.why).join("\n")).toMatch(breaker.why);
  });

  it("the example's guardrails pass every guardrail control, and a guardrail switched off is not required", () => {
    const guardrailControls = controls.filter((c) => c.id.startsWith("GUARDRAIL-"));
    expect(guardrailControls).toHaveLength(GUARDRAIL_IDS.length);
    for (const control of guardrailControls) expect(control.check(guardrailStack(example), {})).toEqual([]);
    const stack = withoutStatement(guardrailStack(example), "DenyOutsideAllowedRegions");
    (stack.json.output!.org_baseline_guardrails!.value as Record<string, unknown>).regionDeny = {
      disabled: "Global team works in every region (CISO, SEC-300)",
    };
    expect(controls.find((c) => c.id === "GUARDRAIL-REGION-DENY")!.check(stack, {})).toEqual([]);
  });

  it("a stack whose recorder Control Tower manages passes CONFIG-ENABLED through its output", () => {
    const stack = broken((r) => delete r.aws_config_configuration_recorder);
    stack.json.output = { config_recorder: { value: "external" } };
    expect(controls.find((c) => c.id === "CONFIG-ENABLED")!.check(stack, {})).toEqual([]);
  });

  it("the analyzers are required only where a stack declares them (the security account's stacks)", () => {
    const stack = broken((r) => delete r.aws_accessanalyzer_analyzer);
    const check = (id: string) => controls.find((c) => c.id === id)!.check(stack, {});
    stack.json.output = { org_baseline_access_analyzer: { value: { externalAccess: true, unusedAccessDays: null } } };
    expect(check("ACCESS-ANALYZER-UNUSED")).toEqual([]);
    expect(check("ACCESS-ANALYZER-EXTERNAL")).toHaveLength(1);
    delete stack.json.output;
    expect(check("ACCESS-ANALYZER-EXTERNAL")).toEqual([]);
  });

  it("thresholds come from the effective parameters", () => {
    const retention = controls.find((c) => c.id === "LOGS-RETENTION")!;
    expect(retention.check(goodStack(), { MinRetentionTime: "400" })).toEqual([
      { resource: "aws_cloudwatch_log_group.app", why: "retention_in_days is 365; at least 400 required" },
    ]);
  });

  it("accepts a rotation function named by ARN when the same ARN is invokable by Secrets Manager", () => {
    const arn = "arn:aws:lambda:eu-west-1:555555555555:function:rotate";
    const stack = broken((r) => {
      r.aws_secretsmanager_secret_rotation!.db!.rotation_lambda_arn = arn;
      r.aws_lambda_permission!.rotate!.function_name = arn;
    });
    expect(controls.find((c) => c.id === "SECRETS-ROTATION-SUCCESS")!.check(stack, {})).toEqual([]);
  });

  it("reads rotation schedules as day intervals", () => {
    expect(rotationIntervalDays({ automatically_after_days: 30 })).toBe(30);
    expect(rotationIntervalDays({ schedule_expression: "rate(10 days)" })).toBe(10);
    expect(rotationIntervalDays({ schedule_expression: "rate(48 hours)" })).toBe(2);
    expect(rotationIntervalDays({ schedule_expression: "cron(0 16 1 * ? *)" })).toBe(31);
    expect(rotationIntervalDays({ schedule_expression: "cron(0 16 1 1 ? *)" })).toBeUndefined();
  });

  it("resolves policies from aws_iam_policy_document data sources", () => {
    const stack = goodStack();
    stack.json.data = { aws_iam_policy_document: { doc: { statement: [{ effect: "Allow", actions: ["*"], resources: ["*"] }] } } };
    stack.json.resource!.aws_iam_policy!.reader!.policy = "${data.aws_iam_policy_document.doc.json}";
    expect(controls.find((c) => c.id === "IAM-NO-ADMIN")!.check(stack, {})).toHaveLength(1);
  });
});
