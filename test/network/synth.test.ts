import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controls } from "../../modules/controls/catalog.js";
import { policyJson } from "../../modules/policies/document.js";
import { endpointPolicy } from "../../modules/policies/endpoint-policy.js";
import { runCli } from "../helpers/cli.js";

type Json = {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, any>;
};

const dir = mkdtempSync(join(tmpdir(), "baseline-network-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function synth(name: string, config: string): (stack: string) => Json {
  const out = join(dir, name);
  const result = runCli(["synth", "--config", config, "--out", out, "--quiet"]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return (stack) => JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as Json;
}

const all = (json: Json, type: string) => Object.values(json.resource?.[type] ?? {});
const one = (json: Json, type: string) => {
  const list = all(json, type);
  expect(list, type).toHaveLength(1);
  return list[0]!;
};

/** The example organization with `edit` applied to its text. */
function variant(name: string, edit: (text: string) => string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, edit(readFileSync("config/org.yaml", "utf8")));
  return file;
}

let example: (stack: string) => Json;
beforeAll(() => {
  example = synth("example", "config/org.yaml");
});

describe("VPC endpoints", () => {
  it("puts the default services in a VPC named by id, with private DNS, the perimeter policy and its own security group", () => {
    const json = example("payments-prod-eu-west-1");
    const endpoints = all(json, "aws_vpc_endpoint");
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(["kms", "logs", "secretsmanager", "ssm", "sts"].map((s) => `com.amazonaws.eu-west-1.${s}`));
    for (const e of interfaces) {
      expect(e.vpc_id).toBe("vpc-0a1b2c3d4e5f67890");
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toEqual(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]);
      expect(e.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.[^.]+\.id\}$/)]);
      const service = (e.service_name as string).replace(/^com\.amazonaws\.eu-west-1\./, "");
      expect(e.policy).toBe(policyJson(endpointPolicy({ organizationId: "o-exampleorg1", service, region: "eu-west-1" })));
    }
    const gateways = endpoints.filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateways.map((e) => e.service_name).sort()).toEqual(["com.amazonaws.eu-west-1.dynamodb", "com.amazonaws.eu-west-1.s3"]);
    for (const g of gateways) expect(g.route_table_ids).toMatch(/^\$\{data\.aws_route_tables\.[^.]+\.ids\}$/);
    expect(one(json, "aws_security_group").egress).toEqual([]);
    const ingress = one(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.20.0.0/16" });
    expect(all(example("payments-prod-eu-central-1"), "aws_vpc_endpoint")).toEqual([]);
  });

  it("looks a VPC up by tags, its subnets by tags within it, and admits named security groups", () => {
    const json = example("shared-services-eu-west-1");
    const vpc = Object.entries(json.data!.aws_vpc!)[0]!;
    expect(vpc[1].tags).toEqual({ Name: "shared-services" });
    const subnets = Object.values(json.data!.aws_subnets!)[0]!;
    expect(subnets.tags).toEqual({ Tier: "private" });
    expect(subnets.filter).toEqual([{ name: "vpc-id", values: [`\${data.aws_vpc.${vpc[0]}.id}`] }]);
    const interfaces = all(json, "aws_vpc_endpoint");
    expect(interfaces.map((e) => e.service_name)).toContain("com.amazonaws.eu-west-1.ecr.dkr");
    for (const e of interfaces) expect(e.subnet_ids).toBe(`\${data.aws_subnets.${Object.keys(json.data!.aws_subnets!)[0]}.ids}`);
    const sources = all(json, "aws_vpc_security_group_ingress_rule").map((r) => r.cidr_ipv4 ?? r.referenced_security_group_id);
    expect(sources.sort()).toEqual(["10.0.0.0/8", "sg-0a1b2c3d4e5f67890"]);
  });
});

describe("log groups", () => {
  it("keeps each group for its environment's retention or its own, encrypted with the account-region logs key", () => {
    const prod = example("payments-prod-eu-west-1");
    const key = Object.entries(prod.resource!.aws_kms_key!).find(([, k]) => String(k.description).startsWith("CloudWatch Logs"))!;
    const groups = Object.fromEntries(all(prod, "aws_cloudwatch_log_group").map((g) => [g.name, g]));
    expect(groups["/payments/api"]).toMatchObject({ retention_in_days: 365, kms_key_id: `\${aws_kms_key.${key[0]}.arn}` });
    expect(groups["/payments/audit"]).toMatchObject({ retention_in_days: 731, kms_key_id: `\${aws_kms_key.${key[0]}.arn}` });
    expect(key[1].enable_key_rotation).toBe(true);
    const alias = all(prod, "aws_kms_alias").find((a) => a.target_key_id === `\${aws_kms_key.${key[0]}.key_id}`)!;
    expect(alias.name).toBe("alias/org-baseline/logs");
    const statement = JSON.parse(key[1].policy).Statement.find((s: any) => s.Sid === "CloudWatchLogs");
    expect(statement.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    expect(statement.Condition.ArnLike).toEqual({ "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:555555555555:log-group:*" });

    const prodCentral = all(example("payments-prod-eu-central-1"), "aws_cloudwatch_log_group").map((g) => g.name);
    expect(prodCentral).toEqual(["/payments/api"]); // the audit group is eu-west-1 only
    const dev = all(example("payments-dev-eu-west-1"), "aws_cloudwatch_log_group");
    expect(dev.map((g) => [g.name, g.retention_in_days])).toEqual([["/payments/api", 90]]);
    // The security account declares none: its only group is the access broker function's own.
    expect(all(example("security-eu-west-1"), "aws_cloudwatch_log_group").map((g) => g.name)).toEqual(["/aws/lambda/org-baseline-access-broker"]);
  });

  it("pre-creates the log group of each rotation function the baseline deploys from a template", () => {
    const json = example("shared-services-eu-west-1");
    const app = one(json, "aws_serverlessapplicationrepository_cloudformation_stack");
    const names = all(json, "aws_cloudwatch_log_group").map((g) => g.name);
    expect(names).toContain(`/aws/lambda/${app.name}`);
  });
});

describe("AWS Config", () => {
  it("records in accounts Control Tower does not, with a role trusting config.amazonaws.com for the account only", () => {
    const home = example("payments-prod-eu-west-1");
    const role = all(home, "aws_iam_role").find((r) => r.name === "org-baseline-config-recorder")!;
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Sid: "ConfigServiceForThisAccount",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "555555555555" } },
      },
    ]);
    expect(role.permissions_boundary).toBe("arn:aws:iam::555555555555:policy/baseline/org-baseline-boundary");
    expect(one(home, "aws_config_configuration_recorder")).toMatchObject({
      name: "org-baseline",
      role_arn: "arn:aws:iam::555555555555:role/org-baseline-config-recorder",
      recording_group: { all_supported: true, include_global_resource_types: true },
    });
    expect(one(home, "aws_config_delivery_channel")).toMatchObject({ s3_bucket_name: "example-corp-config-333333333333" });
    expect(one(home, "aws_config_configuration_recorder_status").is_enabled).toBe(true);

    const other = example("payments-prod-eu-central-1");
    expect(all(other, "aws_iam_role").find((r) => r.name === "org-baseline-config-recorder")).toBeUndefined();
    expect(one(other, "aws_config_configuration_recorder").recording_group.include_global_resource_types).toBe(false);

    const controlTower = example("log-archive-eu-west-1");
    expect(all(controlTower, "aws_config_configuration_recorder")).toEqual([]);
    expect(controlTower.output?.config_recorder?.value).toBe("external");
  });

  it("deploys the catalog as organization rules from the security account, IAM rules in its home region only", () => {
    const withRule = controls.filter((c) => c.configRule);
    const home = all(example("security-eu-west-1"), "aws_config_organization_managed_rule");
    expect(home.map((r) => r.name).sort()).toEqual(withRule.map((c) => c.configRule!.name).sort());
    const other = all(example("security-eu-central-1"), "aws_config_organization_managed_rule");
    expect(other.map((r) => r.name).sort()).toEqual(
      withRule
        .filter((c) => !c.configRule!.global)
        .map((c) => c.configRule!.name)
        .sort(),
    );
    const retention = home.find((r) => r.name === "cw-loggroup-retention-period-check")!;
    expect(retention).toMatchObject({
      rule_identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
      input_parameters: '{"MinRetentionTime":"90"}',
      maximum_execution_frequency: "TwentyFour_Hours",
    });
    const rotation = home.find((r) => r.name === "secretsmanager-rotation-enabled-check")!;
    expect(rotation.resource_types_scope).toEqual(["AWS::SecretsManager::Secret"]);
    expect(rotation.maximum_execution_frequency).toBeUndefined();
    expect(all(example("payments-prod-eu-west-1"), "aws_config_organization_managed_rule")).toEqual([]);
    expect(all(example("payments-prod-eu-west-1"), "aws_config_config_rule")).toEqual([]);
  });

  it("aggregates the organization in the security account through a role config.amazonaws.com assumes for that account only", () => {
    const json = example("security-eu-west-1");
    const aggregator = one(json, "aws_config_configuration_aggregator");
    expect(aggregator.name).toBe("org-baseline");
    expect(aggregator.organization_aggregation_source.all_regions).toBe(true);
    const [roleId, role] = Object.entries(json.resource!.aws_iam_role!).find(([, r]) => r.name === "org-baseline-config-aggregator")!;
    expect(aggregator.organization_aggregation_source.role_arn).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "222222222222" } });
    expect(all(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn)).toContain(
      "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations",
    );
    expect(all(example("security-eu-central-1"), "aws_config_configuration_aggregator")).toEqual([]);
  });

  it("makes the security account the Config (and IAM Access Analyzer) delegated administrator from the management account", () => {
    const admins = all(example("management-eu-west-1"), "aws_organizations_delegated_administrator");
    expect(admins.map((a) => [a.service_principal, a.account_id]).sort()).toEqual([
      ["access-analyzer.amazonaws.com", "222222222222"],
      ["config-multiaccountsetup.amazonaws.com", "222222222222"],
      ["config.amazonaws.com", "222222222222"],
    ]);
  });

  it("in account mode deploys the rules in every account-region after its recorder, and excluded controls nowhere", () => {
    const config = variant("account-mode", (t) =>
      t
        .replace("      mode: organization\n", "      mode: account\n")
        .replace("      exclude: []\n", '      exclude: [{ control: VPC-ENDPOINT-SSM, reason: "No instances use Systems Manager in this organization" }]\n'),
    );
    const stack = synth("account-mode", config);
    const rules = all(stack("payments-dev-eu-central-1"), "aws_config_config_rule");
    const expected = controls.filter((c) => c.configRule && !c.configRule.global && c.id !== "VPC-ENDPOINT-SSM");
    expect(rules.map((r) => r.name).sort()).toEqual(expected.map((c) => c.configRule!.name).sort());
    const status = Object.keys(stack("payments-dev-eu-central-1").resource!.aws_config_configuration_recorder_status!)[0];
    for (const r of rules) {
      expect(r.source).toMatchObject({ owner: "AWS" });
      expect(r.depends_on).toEqual([`aws_config_configuration_recorder_status.${status}`]);
    }
    expect(all(stack("payments-dev-eu-west-1"), "aws_config_config_rule").map((r) => r.name)).toContain("iam-policy-no-statements-with-admin-access");
    expect(all(stack("security-eu-west-1"), "aws_config_organization_managed_rule")).toEqual([]);
  });
});

describe("Security Hub", () => {
  it("is enabled everywhere with consolidated findings, the configured standards, and a reasoned exception", () => {
    for (const name of ["payments-dev-eu-central-1", "management-eu-west-1", "log-archive-eu-west-1"]) {
      const json = example(name);
      const region = name.replace(/^.*-(eu-[a-z]+-\d)$/, "$1");
      expect(one(json, "aws_securityhub_account")).toMatchObject({ enable_default_standards: false, control_finding_generator: "SECURITY_CONTROL" });
      expect(
        all(json, "aws_securityhub_standards_subscription")
          .map((s) => s.standards_arn)
          .sort(),
      ).toEqual([
        `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
        `arn:aws:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
      ]);
      const disabled = one(json, "aws_securityhub_standards_control_association");
      expect(disabled).toMatchObject({ security_control_id: "IAM.6", association_status: "DISABLED" });
      expect(disabled.updated_reason).toMatch(/centralized root access/);
      expect(disabled.standards_arn).toMatch(/^\$\{aws_securityhub_standards_subscription\.[^.]+\.standards_arn\}$/);
    }
  });

  it("is administered by the security account in every region, with findings aggregated in its home region", () => {
    const admins = all(example("management-eu-west-1"), "aws_securityhub_organization_admin_account");
    expect(admins.map((a) => [a.region, a.admin_account_id])).toEqual([
      ["eu-central-1", "222222222222"],
      ["eu-west-1", "222222222222"],
    ]);
    const home = example("security-eu-west-1");
    expect(one(home, "aws_securityhub_finding_aggregator")).toMatchObject({ linking_mode: "SPECIFIED_REGIONS", specified_regions: ["eu-central-1"] });
    expect(all(home, "aws_securityhub_member").map((m) => m.account_id)).toEqual([
      "111111111111",
      "333333333333",
      "444444444444",
      "555555555555",
      "666666666666",
    ]);
    // The management account only uses eu-west-1, so it is no member in eu-central-1.
    expect(all(example("security-eu-central-1"), "aws_securityhub_member").map((m) => m.account_id)).not.toContain("111111111111");
    expect(all(example("security-eu-central-1"), "aws_securityhub_finding_aggregator")).toEqual([]);
  });
});

describe("secret access alarms", () => {
  it("puts the filters on the trail's log group, one alarm per account, to an encrypted topic CloudWatch may publish to", () => {
    const json = example("management-eu-west-1");
    const [topicId, topic] = Object.entries(json.resource!.aws_sns_topic!)[0]!;
    expect(topic.name).toBe("org-baseline-security-alarms");
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    expect(one(json, "aws_sns_topic_subscription")).toMatchObject({ protocol: "email", endpoint: "security-alerts@example.com" });
    expect(JSON.parse(one(json, "aws_sns_topic_policy").policy).Statement[0].Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });

    const filters = all(json, "aws_cloudwatch_log_metric_filter");
    for (const f of filters) expect(f.log_group_name).toBe("aws-controltower/CloudTrailLogs");
    const denied = filters.find((f) => f.name === "org-baseline-secret-access-denied")!;
    expect(denied.metric_transformation.dimensions).toEqual({ Account: "$.recipientAccountId" });
    const reads = filters
      .filter((f) => f.name.startsWith("org-baseline-undeclared-secret-reads-"))
      .map((f) => f.name)
      .sort();
    expect(reads).toEqual(["org-baseline-undeclared-secret-reads-payments-prod", "org-baseline-undeclared-secret-reads-shared-services"]);
    const prodReads = filters.find((f) => f.name === "org-baseline-undeclared-secret-reads-payments-prod")!;
    expect(prodReads.pattern).toContain('($.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::555555555555:role/payments-api")');
    expect(prodReads.pattern).toContain('($.userIdentity.arn != "*/payments-signing-key-rotation")');
    // The shared secret rotates through a function deployed from a template: its sessions are expected.
    const app = one(example("shared-services-eu-west-1"), "aws_serverlessapplicationrepository_cloudformation_stack");
    const sharedReads = filters.find((f) => f.name === "org-baseline-undeclared-secret-reads-shared-services")!;
    expect(sharedReads.pattern).toContain(`($.userIdentity.arn != "*/${app.name}")`);

    // The privileged-path alarms share the topic; test/broker/alarms.test.ts covers them.
    const alarms = all(json, "aws_cloudwatch_metric_alarm").filter((a) => a.alarm_name.startsWith("org-baseline-secret-access-"));
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      ["log-archive", "management", "payments-dev", "payments-prod", "security", "shared-services"].map((n) => `org-baseline-secret-access-${n}`),
    );
    for (const a of alarms) expect(a.alarm_actions).toEqual([`\${aws_sns_topic.${topicId}.arn}`]);
    const prod = alarms.find((a) => a.alarm_name === "org-baseline-secret-access-payments-prod")!;
    expect(prod.metric_query.map((q: any) => q.expression ?? q.metric.dimensions.Account)).toEqual([
      "555555555555",
      "555555555555",
      "FILL(denied, 0) + FILL(undeclared, 0)",
    ]);
    expect(all(example("management-eu-west-1"), "aws_cloudwatch_metric_alarm")).toHaveLength(6 + 3);
    // Only the access broker's refusal alarm lives in the security account.
    expect(all(example("security-eu-west-1"), "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name)).toEqual(["org-baseline-access-broker-denied"]);
  });
});
