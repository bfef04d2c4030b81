import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig, parseConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { GUARDRAILS_OUTPUT } from "../../modules/controls/guardrail-predicates.js";
import {
  allowedRegions,
  AWS_FULL_ACCESS_POLICIES,
  baselineAdministrators,
  guardrailStatements,
  MAX_POLICIES_PER_TARGET,
  MAX_POLICY_BYTES,
  planGuardrails,
} from "../../modules/guardrail-plan.js";
import { isKnownConditionOperator, type Statement } from "../../modules/policies/document.js";
import { GLOBAL_SERVICE_ACTIONS, noStandingCredentials, STANDING_CREDENTIAL_ACTIONS } from "../../modules/policies/guardrail-policies.js";
import { synthesizeInto } from "../../stacks/synth.js";

const example = loadConfig("config/org.yaml");
const second = loadConfig("test/fixtures/guardrails-org.yaml");

const statementsOf = (org: ResolvedOrg) => guardrailStatements(org, org.guardrails!);
const byId = (org: ResolvedOrg, id: string): Statement[] => statementsOf(org).find((g) => g.id === id)?.statements ?? [];
const sid = (org: ResolvedOrg, id: string, name: string): Statement => byId(org, id).find((s) => s.Sid === name)!;
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The example config with `edit` applied to its parsed YAML, loaded; returns the error text or "". */
function refusal(edit: (doc: any) => void, base = "config/org.yaml"): string {
  const doc = parse(readFileSync(base, "utf8"));
  edit(doc);
  try {
    parseConfig(stringify(doc), "edited.yaml");
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("guardrail statements (as data)", () => {
  it("every statement is a Deny with known condition operators; SCPs name no principal, RCPs name *", () => {
    for (const org of [example, second]) {
      for (const g of statementsOf(org)) {
        for (const s of g.statements) {
          expect(s.Effect).toBe("Deny");
          for (const operator of Object.keys(s.Condition ?? {})) expect(isKnownConditionOperator(operator), operator).toBe(true);
          if (g.type === "SERVICE_CONTROL_POLICY") expect(s.Principal).toBeUndefined();
          else expect(s.Principal).toBe("*");
        }
      }
    }
  });

  it("no standing credentials: every credential-minting IAM call, for everyone including the deploy role", () => {
    const s = sid(example, "noStandingCredentials", "DenyStandingCredentials");
    expect(list(s.Action)).toEqual([...STANDING_CREDENTIAL_ACTIONS]);
    expect(s.Condition).toBeUndefined();
    const excepted = sid(second, "noStandingCredentials", "DenyStandingCredentials");
    expect(excepted.Condition).toEqual({ ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::100000000004:role/legacy/sftp-uploader"] } });
    expect(noStandingCredentials({ roleArns: [], accountIds: ["123456789012"] })[0]!.Condition).toEqual({
      StringNotEquals: { "aws:PrincipalAccount": ["123456789012"] },
    });
  });

  it("protect the baseline: its roles, boundary, provider, keys, secrets, Config, Security Hub and trails, for all but the deploy and apply roles", () => {
    const admins = ["arn:aws:iam::*:role/OrganizationAccountAccessRole", "arn:aws:iam::*:role/org-baseline-github-apply"];
    expect(baselineAdministrators(example)).toEqual(admins);
    const statements = byId(example, "protectBaseline");
    for (const s of statements.filter((x) => x.Sid !== "ProtectBaselineKeys")) {
      expect(s.Condition?.ArnNotLike?.["aws:PrincipalArn"]).toEqual([...admins, "arn:aws:iam::333333333333:role/AWSControlTowerExecution"]);
    }
    // Key administrators the config declares keep what their key policies grant them.
    expect(sid(example, "protectBaseline", "ProtectBaselineKeys").Condition?.ArnNotLike?.["aws:PrincipalArn"]).toEqual([
      ...admins,
      "arn:aws:iam::333333333333:role/AWSControlTowerExecution",
      "arn:aws:iam::444444444444:role/platform-operator",
    ]);
    const roles = list(sid(example, "protectBaseline", "ProtectBaselineRoles").Resource);
    expect(roles).toEqual(
      expect.arrayContaining([
        "arn:aws:iam::*:role/OrganizationAccountAccessRole",
        "arn:aws:iam::*:role/org-baseline-github-plan",
        "arn:aws:iam::*:role/jit/payments-operator",
        "arn:aws:iam::*:role/org-baseline-config-recorder",
      ]),
    );
    expect(sid(example, "protectBaseline", "ProtectPermissionBoundary").Resource).toBe("arn:aws:iam::*:policy/baseline/org-baseline-boundary");
    expect(sid(example, "protectBaseline", "ProtectBaselineKeys").Condition?.["ForAnyValue:StringLike"]).toEqual({
      "kms:ResourceAliases": "alias/org-baseline/*",
    });
    expect(list(sid(example, "protectBaseline", "ProtectBaselineSecrets").Resource)).toContain(
      "arn:aws:secretsmanager:*:*:secret:payments/db-credentials-??????",
    );
    expect(list(sid(example, "protectBaseline", "ProtectConfig").Action)).toContain("config:StopConfigurationRecorder");
    expect(list(sid(example, "protectBaseline", "ProtectSecurityHub").Action)).toContain("securityhub:DisableSecurityHub");
    expect(list(sid(example, "protectBaseline", "ProtectCloudTrail").Action)).toContain("cloudtrail:StopLogging");
    // Per-account deploy role names are all administrators; with no pipelines there is no apply role.
    expect(baselineAdministrators(second)).toEqual(["arn:aws:iam::*:role/BaselineDeployer", "arn:aws:iam::*:role/ShopDeployer"]);
    expect(sid(second, "protectBaseline", "ProtectGithubOidcProvider")).toBeDefined();
  });

  it("region deny: AWS's global services exempt; allowed regions default to the accounts' and the state backend's", () => {
    const s = sid(example, "regionDeny", "DenyOutsideAllowedRegions");
    expect(list(s.NotAction)).toEqual(expect.arrayContaining([...GLOBAL_SERVICE_ACTIONS, "cloudtrail:LookupEvents"]));
    expect(s.Condition).toEqual({ StringNotEquals: { "aws:RequestedRegion": ["eu-central-1", "eu-west-1"] } });
    expect(allowedRegions(second, second.guardrails!)).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
  });

  it("resource perimeter: outsiders denied unless AWS services or the third parties cross-account roles trust", () => {
    const s = sid(example, "resourcePerimeter", "EnforceOrgIdentities");
    expect(s.Condition).toEqual({
      StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-exampleorg1", "aws:PrincipalAccount": ["999999999999"] },
      BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
    });
    // Web-identity callers carry no aws:PrincipalOrgID: the identity-provider guardrail governs them.
    expect(list(s.Action)).not.toContain("sts:AssumeRoleWithWebIdentity");
    expect(list(s.Action)).toEqual(expect.arrayContaining(["secretsmanager:*", "kms:*", "s3:*", "logs:*", "ecr:*", "sts:AssumeRole"]));
    expect(sid(example, "confusedDeputy", "EnforceConfusedDeputyProtection").Condition?.StringNotEqualsIfExists).toEqual({
      "aws:SourceOrgID": "o-exampleorg1",
    });
    expect(sid(example, "secureTransport", "EnforceSecureTransport").Condition).toEqual({ BoolIfExists: { "aws:SecureTransport": "false" } });
    expect(sid(second, "secureTransport", "EnforceSecureTransport").Condition?.StringNotEquals).toEqual({ "aws:ResourceAccount": ["100000000004"] });
  });

  it("identity providers: declared issuers only, GitHub only for the declared owners in the subject forms in use", () => {
    expect(sid(example, "trustedIdentityProviders", "EnforceTrustedOidcProviders").Condition).toEqual({
      Null: { "token.actions.githubusercontent.com:sub": "true" },
    });
    expect(sid(example, "trustedIdentityProviders", "EnforceGithubOwners").Condition?.StringNotLikeIfExists).toEqual({
      // The pipelines use the immutable form with the owner's id; payments-deployer also the name-only form.
      "token.actions.githubusercontent.com:sub": ["repo:example-corp/*", "repo:example-corp@81234567/*"],
    });
    expect(Object.keys(sid(second, "trustedIdentityProviders", "EnforceTrustedOidcProviders").Condition!.Null!)).toEqual([
      "token.actions.githubusercontent.com:sub",
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123:sub",
    ]);
  });

  it("a switched-off guardrail produces nothing and keeps its reason", () => {
    expect(byId(second, "denyRootUser")).toEqual([]);
    expect(planGuardrails(second, second.guardrails!).disabled).toEqual([
      { id: "denyRootUser", reason: "Root access is not centralized yet; revisit in Q2 (CISO decision SEC-301)" },
    ]);
  });
});

describe("limits, checked when loading", () => {
  it.each([
    ["example", example],
    ["second organization", second],
  ])("%s: every policy is minified within 5,120 bytes and no target carries more than 5 of a type", (_name, org) => {
    const plan = planGuardrails(org, org.guardrails!);
    expect(plan.problems).toEqual([]);
    for (const p of plan.policies) {
      expect(p.bytes).toBe(Buffer.byteLength(p.json));
      expect(p.bytes).toBeLessThanOrEqual(MAX_POLICY_BYTES);
      expect(p.json).not.toMatch(/\n| {2}/);
    }
    for (const type of ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]) {
      for (const target of new Set(plan.policies.flatMap((p) => p.targets))) {
        expect(AWS_FULL_ACCESS_POLICIES + plan.policies.filter((p) => p.type === type && p.targets.includes(target)).length).toBeLessThanOrEqual(
          MAX_POLICIES_PER_TARGET,
        );
      }
    }
    // Packing loses nothing: every statement of every enabled guardrail is in exactly one policy.
    const packed = plan.policies.flatMap((p) => p.document.Statement.map((s) => s.Sid));
    expect(packed.sort()).toEqual(
      statementsOf(org)
        .flatMap((g) => g.statements.map((s) => s.Sid))
        .sort(),
    );
  });

  it("the example packs into three policies (sizes the README quotes)", () => {
    const plan = planGuardrails(example, example.guardrails!);
    expect(plan.policies.map((p) => [p.name, p.type, p.bytes])).toEqual([
      ["org-baseline-scp-root-1", "SERVICE_CONTROL_POLICY", 5009],
      ["org-baseline-scp-root-2", "SERVICE_CONTROL_POLICY", 1954],
      ["org-baseline-rcp-root", "RESOURCE_CONTROL_POLICY", 1552],
    ]);
  });

  it("a statement too large for one policy is split over its resources, covering every role", () => {
    const doc = parse(readFileSync("config/org.yaml", "utf8"));
    const roles = Array.from({ length: 150 }, (_, i) => ({
      name: `workload-role-with-a-long-name-${String(i).padStart(3, "0")}`,
      kind: "service",
      services: ["lambda.amazonaws.com"],
    }));
    doc.accounts[5].roles = roles;
    const org = parseConfig(stringify(doc), "many-roles.yaml");
    const plan = planGuardrails(org, org.guardrails!);
    expect(plan.problems).toEqual([]);
    const parts = plan.policies.flatMap((p) => p.document.Statement).filter((s) => /^ProtectBaselineRoles\d+$/.test(s.Sid ?? ""));
    expect(parts.length).toBeGreaterThan(1);
    const covered = parts.flatMap((s) => list(s.Resource));
    for (const r of roles) expect(covered).toContain(`arn:aws:iam::*:role/${r.name}`);
    for (const p of plan.policies) expect(p.bytes).toBeLessThanOrEqual(MAX_POLICY_BYTES);
  });

  it("more than five policies on one target is a positioned error, and nothing is synthesized", () => {
    const message = refusal((doc) => {
      const roles = Array.from({ length: 700 }, (_, i) => ({
        name: `workload-role-with-a-very-long-name-${String(i).padStart(4, "0")}`,
        kind: "service",
        services: ["lambda.amazonaws.com"],
      }));
      doc.accounts[5].roles = roles;
    });
    expect(message).toMatch(/edited\.yaml:\d+:\d+ guardrails\.regionDeny\.targets: \/ would carry \d+ SCPs .* over AWS's limit of 5/);
  });
});

describe("refused guardrail configs", () => {
  it.each<[string, (doc: any) => void, RegExp]>([
    [
      "switched off without a reason",
      (d) => (d.guardrails.denyRootUser = { enabled: false }),
      /guardrails\.denyRootUser\.enabled: switching a guardrail off needs a reason/,
    ],
    [
      "an exception without a reason",
      (d) => (d.guardrails.noStandingCredentials = { exceptions: [{ role: "x" }] }),
      /guardrails\.noStandingCredentials\.exceptions\[0\]\.reason: required/,
    ],
    [
      "an unknown OU",
      (d) => (d.guardrails.secureTransport = { targets: ["/Workload"] }),
      /guardrails\.secureTransport\.targets\[0\]: no account lives in or under the OU \/Workload \(did you mean "\/Workloads"\?\)/,
    ],
    [
      "an unknown account",
      (d) => (d.guardrails.noStandingCredentials = { exceptions: [{ account: "payment-prod", reason: "a long enough reason" }] }),
      /exceptions\[0\]\.account: no account named "payment-prod" \(did you mean "payments-prod"\?\)/,
    ],
    [
      "a role exception on an RCP",
      (d) => (d.guardrails.resourcePerimeter = { exceptions: [{ account: "payments-prod", role: "x", reason: "a long enough reason" }] }),
      /resourcePerimeter\.exceptions\[0\]\.role: a resource control policy applies to resources/,
    ],
    [
      "a region deny locking out the deploy role",
      (d) => (d.guardrails.regionDeny = { allowedRegions: ["eu-west-1"] }),
      /guardrails\.regionDeny\.allowedRegions: eu-central-1 would be denied, locking the deploy role and the pipelines out/,
    ],
    [
      "GitHub declared as another issuer",
      (d) => (d.guardrails.trustedIdentityProviders = { issuers: [{ host: "token.actions.githubusercontent.com", reason: "a long enough reason" }] }),
      /issuers\[0\]\.host: GitHub Actions is trusted for the owners/,
    ],
    [
      "guardrails without a management account",
      (d) => (d.accounts = d.accounts.filter((a: any) => a.role !== "management")),
      /guardrails: guardrails are created in the management account's stack/,
    ],
  ])("%s", (_name, edit, expected) => {
    const message = refusal((doc) => {
      if (doc.compliance?.monitoring) delete doc.compliance.monitoring;
      edit(doc);
    });
    expect(message).toMatch(/^\d+ problems? in config:/);
    expect(message).toMatch(expected);
  });

  it("reports guardrail problems in the same run as references the model cannot resolve", () => {
    const message = refusal((d) => {
      d.guardrails.secureTransport = { targets: ["/Workload"] };
      d.access.rules[0].role.role = "no-such-role";
      d.accounts.find((a: any) => a.keys?.length).keys[0].administrators = ["no-such-admin"];
    });
    expect(message).toMatch(/guardrails\.secureTransport\.targets\[0\]: no account lives in or under the OU \/Workload/);
    expect(message).toMatch(/access\.rules\[0\]\.role\.role: .*no-such-role/);
    expect(message).toMatch(/keys\[0\]\.administrators\[0\]: .*no-such-admin/);
  });

  it("a config without a management account and without the section gets no guardrails (nowhere to put them)", () => {
    const org = parseConfig(
      stringify({
        organization: { id: "o-abc123defg", name: "x" },
        permissionBoundary: { name: "b" },
        backend: { type: "s3", bucket: "state-bucket", region: "eu-west-1" },
        accounts: [{ id: "222222222222", name: "security", role: "security", environment: "prod", ou: "/" }],
      }),
      "no-management.yaml",
    );
    expect(org.guardrails).toBeUndefined();
    expect(loadConfig("test/fixtures/minimal.yaml").guardrails?.noStandingCredentials.enabled).toBe(true);
  });
});

describe("synthesized guardrails", () => {
  let dir: string;
  type Json = { resource?: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>>; output?: Record<string, any> };
  const read = (out: string, stack: string): Json => JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as Json;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "baseline-guardrails-"));
    synthesizeInto(
      example,
      join(dir, "example"),
      example.stacks.filter((s) => s.name === "management-eu-west-1" || s.name === "payments-prod-eu-west-1"),
    );
    synthesizeInto(
      second,
      join(dir, "second"),
      second.stacks.filter((s) => s.account.role === "management" && s.isHomeRegion),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the management stack creates each planned policy with its exact content, attached to the root", () => {
    const json = read(join(dir, "example"), "management-eu-west-1");
    const plan = planGuardrails(example, example.guardrails!);
    const policies = Object.values(json.resource!.aws_organizations_policy!);
    const byName = (a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : 1);
    expect(policies.map((p) => [p.name, p.type, p.content]).sort(byName)).toEqual(plan.policies.map((p) => [p.name, p.type, p.json]).sort(byName));
    for (const p of policies) expect(p.lifecycle.precondition[0].condition).toContain(`"${p.type}"`);
    const attachments = Object.values(json.resource!.aws_organizations_policy_attachment!);
    expect(attachments).toHaveLength(3);
    for (const a of attachments) expect(a.target_id).toMatch(/^\$\{data\.aws_organizations_organization\.[^.]+\.roots\[0\]\.id\}$/);
    expect(Object.keys(json.output![GUARDRAILS_OUTPUT].value).sort()).toEqual(Object.keys(example.guardrails!).sort());
  });

  it("member stacks carry no organization policy", () => {
    const json = read(join(dir, "example"), "payments-prod-eu-west-1");
    expect(json.resource?.aws_organizations_policy).toBeUndefined();
    expect(json.output?.[GUARDRAILS_OUTPUT]).toBeUndefined();
  });

  it("OU targets are looked up by path, one level at a time under their parent", () => {
    const json = read(join(dir, "second"), "root-mgmt-us-east-1");
    const ous = json.data!.aws_organizations_organizational_unit!;
    const byName = Object.fromEntries(Object.entries(ous).map(([address, ou]) => [ou.name, { address, parent: ou.parent_id as string }]));
    expect(Object.keys(byName).sort()).toEqual(["Prod", "Sandbox", "Workloads"]);
    expect(byName.Workloads!.parent).toMatch(/roots\[0\]\.id\}$/);
    expect(byName.Prod!.parent).toBe(`\${data.aws_organizations_organizational_unit.${byName.Workloads!.address}.id}`);
    const attachments = Object.values(json.resource!.aws_organizations_policy_attachment!);
    const plan = planGuardrails(second, second.guardrails!);
    expect(attachments).toHaveLength(plan.policies.reduce((n, p) => n + p.targets.length, 0));
    expect(json.output![GUARDRAILS_OUTPUT].value.denyRootUser).toEqual({
      disabled: "Root access is not centralized yet; revisit in Q2 (CISO decision SEC-301)",
    });
  });
});
