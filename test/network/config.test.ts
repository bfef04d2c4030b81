import { describe, expect, it } from "vitest";
import { formatIssue } from "../../config/errors.js";
import { parseConfig } from "../../config/load.js";
import { configIssues } from "../helpers/config.js";

const HEAD = `organization: { id: o-abc123defg, name: Test Org }
defaults: { regions: [eu-west-1, eu-central-1] }
permissionBoundary: { name: test-boundary }
backend: { type: s3, bucket: test-tfstate, region: eu-west-1 }
`;
const SECURITY = `  - { id: "222222222222", name: security, role: security, environment: security, ou: /Security }\n`;

/** The problems the loader reports for a config built from the common head plus `body`, as `line:col path: message`. */
function problems(body: string): string[] {
  return configIssues(HEAD + body, "t.yaml").map((i) => formatIssue(i).replace(/^t\.yaml:/, ""));
}

function app(fields: string): string {
  return `accounts:\n${SECURITY}  - id: "333333333333"\n    name: app\n    role: workload\n    environment: prod\n    ou: /Workloads\n${fields}`;
}

function endpoints(set: string): string {
  return app(`    endpoints:\n      - region: eu-west-1\n${set}`);
}

describe("endpoint config", () => {
  it("accepts a VPC by id with subnets, and one by tags, with the default services", () => {
    const org = parseConfig(
      HEAD +
        app(`    endpoints:
      - { region: eu-west-1, vpc: { id: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0] }, allowedCidrs: [10.1.0.0/16] }
      - { name: tagged, region: eu-west-1, vpc: { tags: { Name: main } }, allowedSecurityGroups: [sg-0123456789abcdef0], gateways: [s3] }
`),
      "t.yaml",
    );
    const [byId, byTags] = org.accountByName.get("app")!.endpoints;
    expect(byId!.services).toEqual(["secretsmanager", "kms", "sts", "logs", "ssm"]);
    expect(byId!.name).toBe("main");
    expect(byTags!.gateways).toEqual(["s3"]);
  });

  it.each([
    [
      "both forms of VPC",
      "        vpc: { id: vpc-0123456789abcdef0, subnetIds: [subnet-0123456789abcdef0], tags: { Name: x } }\n        allowedCidrs: [10.0.0.0/8]\n",
      /accounts\[1\]\.endpoints\[0\]\.vpc\.tags: name the VPC either by id \(with subnetIds\) or by tags, not both/,
    ],
    ["no VPC form", "        vpc: {}\n        allowedCidrs: [10.0.0.0/8]\n", /endpoints\[0\]\.vpc: name the VPC by id/],
    ["an id without subnets", "        vpc: { id: vpc-0123456789abcdef0 }\n        allowedCidrs: [10.0.0.0/8]\n", /vpc\.subnetIds: required with vpc\.id/],
    [
      "subnet ids with a tag lookup",
      "        vpc: { tags: { Name: x }, subnetIds: [subnet-0123456789abcdef0] }\n        allowedCidrs: [10.0.0.0/8]\n",
      /vpc\.subnetIds: subnetIds goes with vpc\.id/,
    ],
    ["nobody allowed", "        vpc: { tags: { Name: x } }\n", /endpoints\[0\]\.allowedCidrs: name the sources allowed to reach the endpoints/],
    [
      "the whole internet",
      "        vpc: { tags: { Name: x } }\n        allowedCidrs: [0.0.0.0/0]\n",
      /allowedCidrs\[0\]: a \/0 range admits the whole internet/,
    ],
    [
      "a duplicated service",
      "        vpc: { tags: { Name: x } }\n        allowedCidrs: [10.0.0.0/8]\n        services: [kms, kms]\n",
      /services\[1\]: kms is listed twice/,
    ],
    [
      "a service as both kinds",
      "        vpc: { tags: { Name: x } }\n        allowedCidrs: [10.0.0.0/8]\n        services: [s3]\n        gateways: [s3]\n",
      /services\[0\]: s3 is also a gateway endpoint here/,
    ],
    [
      "route tables without gateways",
      "        vpc: { tags: { Name: x }, routeTableIds: [rtb-0123456789abcdef0] }\n        allowedCidrs: [10.0.0.0/8]\n",
      /routeTableIds: route tables are only used by gateway endpoints/,
    ],
    [
      "a misspelled key",
      "        vpc: { tags: { Name: x } }\n        allowedCidr: [10.0.0.0/8]\n",
      /unknown key "allowedCidr" \(did you mean "allowedCidrs"\?\)/,
    ],
  ])("refuses %s", (_name, set, expected) => {
    expect(problems(endpoints(set)).join("\n")).toMatch(expected);
  });

  it("refuses a region the account does not deploy to, and a set defined twice", () => {
    const out = problems(
      app(`    endpoints:
      - { region: us-east-1, vpc: { tags: { Name: a } }, allowedCidrs: [10.0.0.0/8] }
      - { region: eu-west-1, vpc: { tags: { Name: a } }, allowedCidrs: [10.0.0.0/8] }
      - { region: eu-west-1, vpc: { tags: { Name: b } }, allowedCidrs: [10.0.0.0/8] }
`),
    ).join("\n");
    expect(out).toMatch(/endpoints\[0\]\.region: region us-east-1 is not one of this account's regions \(eu-west-1, eu-central-1\)/);
    expect(out).toMatch(/endpoints\[2\]\.name: endpoint set "main" in eu-west-1 is already defined by endpoints\[1\]/);
  });
});

describe("logs config", () => {
  it("refuses a retention under the environment's minimum, naming the field", () => {
    expect(problems(app("") + "logs: { retentionDays: { default: 90 } }\n")).toEqual([
      "12:35 logs.retentionDays.default: prod keeps logs 90 days, under its minimum of 365 (logs.minimumRetentionDays)",
    ]);
    expect(problems(app("    logGroups: [{ name: /app, retentionDays: 30 }]\n")).join("\n")).toMatch(
      /accounts\[1\]\.logGroups\[0\]\.retentionDays: 30 days is under the prod minimum of 365/,
    );
  });

  it("takes the retention floor from the LOGS-RETENTION rule too, so a config that loads passes the check", () => {
    const dev = (fields: string) => app(fields).replace("environment: prod", "environment: dev");
    // minimumRetentionDays.default is 30, but the deployed rule (and `baseline check`) want 90.
    expect(problems(dev("    logGroups: [{ name: /app, retentionDays: 30 }]\n"))).toEqual([
      expect.stringMatching(/logGroups\[0\]\.retentionDays: 30 days is under the dev minimum of 90 \(the LOGS-RETENTION rule's MinRetentionTime\)$/),
    ]);
    const override = 'compliance: { config: { rules: { parameters: { LOGS-RETENTION: { MinRetentionTime: "14" } } } } }\n';
    expect(problems(dev("    logGroups: [{ name: /app, retentionDays: 30 }]\n") + override)).toEqual([]);
    const excluded = "compliance: { config: { rules: { exclude: [{ control: LOGS-RETENTION, reason: short-lived sandbox logs only }] } } }\n";
    expect(problems(dev("    logGroups: [{ name: /app, retentionDays: 30 }]\n") + excluded)).toEqual([]);
  });

  it("refuses retention periods CloudWatch does not accept, unknown environments and duplicate groups", () => {
    expect(problems(app("    logGroups: [{ name: /app, retentionDays: 400 }, { name: /app, retentionDays: 500 }]\n")).join("\n")).toMatch(
      /logGroups\[1\]\.retentionDays: one of CloudWatch Logs' retention periods/,
    );
    expect(problems(app("") + "logs: { retentionDays: { default: 365, prd: 365 } }\n").join("\n")).toMatch(
      /logs\.retentionDays\.prd: no account has environment "prd" \(did you mean "prod"\?\)/,
    );
    expect(problems(app("    logGroups: [{ name: /app }, { name: /app }]\n")).join("\n")).toMatch(
      /logGroups\[1\]\.name: log group \/app is already declared by logGroups\[0\]/,
    );
    expect(problems(app("    logGroups: [{ name: /app, regions: [us-east-1] }]\n")).join("\n")).toMatch(
      /logGroups\[0\]\.regions\[0\]: region us-east-1 is not one of this account's regions/,
    );
  });
});

describe("compliance config", () => {
  it.each([
    [
      "an unknown control to exclude",
      '  config: { rules: { exclude: [{ control: SECRETS-ROTATON, reason: "no secrets in this organization" }] } }',
      /compliance\.config\.rules\.exclude\[0\]\.control: no catalog control SECRETS-ROTATON/,
    ],
    [
      "an exclusion without a real reason",
      "  config: { rules: { exclude: [{ control: SECRETS-ROTATION, reason: ok }] } }",
      /exclude\[0\]\.reason: a reason of at least 10 characters/,
    ],
    [
      "a non-numeric day threshold",
      "  config: { rules: { parameters: { LOGS-RETENTION: { MinRetentionTime: a-year } } } }",
      /parameters\.LOGS-RETENTION\.MinRetentionTime: a whole number such as 90/,
    ],
    ["parameters for a preflight-only control", '  config: { rules: { parameters: { CONFIG-ENABLED: { x: "1" } } } }', /CONFIG-ENABLED has no AWS Config rule/],
    [
      "a Control Tower account that does not exist",
      "  config: { recorder: { deliveryBucket: cfg-bucket, controlTowerAccounts: [log-archiv] } }",
      /controlTowerAccounts\[0\]: no account named "log-archiv"/,
    ],
    ["a disabled control without a reason", "  securityHub: { disabledControls: [{ control: IAM.6 }] }", /disabledControls\[0\]\.reason: required/],
    [
      "a disabled control in an unsubscribed standard",
      '  securityHub: { standards: [fsbp], disabledControls: [{ control: IAM.6, standards: [cis-3.0], reason: "root credentials are removed centrally" }] }',
      /disabledControls\[0\]\.standards\[0\]: cis-3\.0 is not subscribed/,
    ],
    ["an unknown standard", "  securityHub: { standards: [fsbp, cis-1.2] }", /securityHub\.standards\[1\]: expected one of fsbp, cis-3\.0/],
    ["a trail in an unknown account", "  monitoring: { trail: { account: mgmt, logGroup: trail } }", /monitoring\.trail\.account: no account named "mgmt"/],
    [
      "an exception for an unknown account",
      '  exceptions: [{ controls: [SECRETS-ROTATION], account: ap, resource: db, reason: "vendor token, replaced by hand" }]',
      /exceptions\[0\]\.account: no account named "ap" \(did you mean "app"\?\)/,
    ],
  ])("refuses %s", (_name, section, expected) => {
    expect(problems(app("") + `compliance:\n${section}\n`).join("\n")).toMatch(expected);
  });

  it("needs the security account for organization rules, and in every region they must reach", () => {
    const noSecurity = `accounts:\n  - { id: "333333333333", name: app, role: workload, environment: prod, ou: /W }\n`;
    expect(problems(noSecurity).join("\n")).toMatch(
      /accounts: organization Config rules, the aggregator and the Security Hub administrator live in the account with role: security/,
    );
    expect(problems(noSecurity + "compliance: { config: { rules: { mode: account } } }\n")).toEqual([]);
    const wider = `accounts:\n${SECURITY}  - { id: "333333333333", name: app, role: workload, environment: prod, ou: /W, regions: [eu-west-1, us-east-1] }\n`;
    expect(problems(wider).join("\n")).toMatch(
      /accounts\[1\]\.regions: us-east-1 would get no organization Config rules: add the region\(s\) to the security account security/,
    );
  });
});
