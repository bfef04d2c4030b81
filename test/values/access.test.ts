import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { evaluate, type AccessRequest } from "../../modules/access/evaluate.js";
import { proveIntents, type IntentResult } from "../../modules/access/intents.js";
import { valueIntents } from "../../modules/access/intents-values.js";
import { buildWorld } from "../../modules/access/world.js";
import { readSynthesized } from "../../modules/controls/check.js";
import { policyDocument } from "../../modules/policies/document.js";
import { rolesAnywhereTrust } from "../../modules/policies/roles-anywhere.js";
import { outboundTokenStatements, parameterReadStatements } from "../../modules/policies/value-policies.js";
import { synthesizeInto } from "../../stacks/synth.js";

/** Parameter readers and outbound tokens, decided by the access evaluator: the builders as data, then the synthesized example. */

const ACCOUNT = "555555555555";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/payments-api`;
const parameter = (name: string) => `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter${name}`;
const decide = (statements: ReturnType<typeof parameterReadStatements>, request: Omit<AccessRequest, "principal">) =>
  evaluate({ principal: { arn: ROLE, orgId: "o-exampleorg1" }, ...request }, { identity: [{ name: "role policy", document: policyDocument(statements) }] })
    .allowed;

describe("parameter read statements", () => {
  const statements = parameterReadStatements([{ accountId: ACCOUNT, path: "/prod/payments/api", regions: ["eu-west-1"], keyName: "payments-data" }]);
  const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234`;
  const decrypt = (context: Record<string, string | string[]>) =>
    decide(statements, { action: "kms:Decrypt", resource: { arn: key }, context: { "kms:ResourceAliases": ["alias/org-baseline/payments-data"], ...context } });

  it("reads everything under the path, and the path itself by path", () => {
    expect(decide(statements, { action: "ssm:GetParameter", resource: { arn: parameter("/prod/payments/api/log-level") } })).toBe(true);
    expect(decide(statements, { action: "ssm:GetParameters", resource: { arn: parameter("/prod/payments/api/features/checkout-v2") } })).toBe(true);
    expect(decide(statements, { action: "ssm:GetParametersByPath", resource: { arn: parameter("/prod/payments/api") } })).toBe(true);
  });

  it("reads nothing beside it: a sibling sharing the prefix, the parent, another account or region", () => {
    expect(decide(statements, { action: "ssm:GetParameter", resource: { arn: parameter("/prod/payments/api-admin/token") } })).toBe(false);
    expect(decide(statements, { action: "ssm:GetParameter", resource: { arn: parameter("/prod/payments/other") } })).toBe(false);
    expect(decide(statements, { action: "ssm:GetParametersByPath", resource: { arn: parameter("/prod/payments") } })).toBe(false);
    expect(decide(statements, { action: "ssm:GetParameter", resource: { arn: parameter("/prod/payments/api/x").replace(ACCOUNT, "444444444444") } })).toBe(
      false,
    );
    expect(decide(statements, { action: "ssm:PutParameter", resource: { arn: parameter("/prod/payments/api/log-level") } })).toBe(false);
  });

  it("decrypts only through Parameter Store, only with the hierarchy's key, only for parameters under the path", () => {
    const under = parameter("/prod/payments/api/database-url");
    expect(decrypt({ "kms:ViaService": "ssm.eu-west-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": under })).toBe(true);
    expect(decrypt({ "kms:EncryptionContext:PARAMETER_ARN": under })).toBe(false);
    expect(decrypt({ "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": under })).toBe(false);
    expect(decrypt({ "kms:ViaService": "ssm.eu-west-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": parameter("/prod/payments/api-admin/x") })).toBe(
      false,
    );
    expect(
      decide(statements, {
        action: "kms:Decrypt",
        resource: { arn: key },
        context: {
          "kms:ResourceAliases": ["alias/org-baseline/other"],
          "kms:ViaService": "ssm.eu-west-1.amazonaws.com",
          "kms:EncryptionContext:PARAMETER_ARN": under,
        },
      }),
    ).toBe(false);
  });
});

describe("outbound token statements", () => {
  const statements = outboundTokenStatements({
    audiences: ["https://api.card-processor.example", "https://b.example"],
    maxDurationSeconds: 300,
    tags: { Team: "payments-core" },
  });
  const token = (context: AccessRequest["context"]) => decide(statements, { action: "sts:GetWebIdentityToken", resource: { arn: "*" }, context });

  it("mints tokens for the declared audiences within the lifetime", () => {
    expect(token({ "sts:IdentityTokenAudience": ["https://api.card-processor.example"], "sts:DurationSeconds": 300 })).toBe(true);
    expect(token({ "sts:IdentityTokenAudience": ["https://api.card-processor.example", "https://b.example"], "sts:DurationSeconds": 60 })).toBe(true);
  });

  it("refuses another audience, an undeclared one alongside, no audience, a longer or unstated lifetime", () => {
    expect(token({ "sts:IdentityTokenAudience": ["https://other.example"], "sts:DurationSeconds": 300 })).toBe(false);
    expect(token({ "sts:IdentityTokenAudience": ["https://api.card-processor.example", "https://other.example"], "sts:DurationSeconds": 300 })).toBe(false);
    // ForAllValues alone would match here: the Null condition is what refuses it.
    expect(token({ "sts:DurationSeconds": 300 })).toBe(false);
    expect(token({ "sts:IdentityTokenAudience": ["https://api.card-processor.example"], "sts:DurationSeconds": 301 })).toBe(false);
    expect(token({ "sts:IdentityTokenAudience": ["https://api.card-processor.example"] })).toBe(false);
  });

  it("tags tokens only with the declared keys and values", () => {
    const tag = (context: AccessRequest["context"]) => decide(statements, { action: "sts:TagGetWebIdentityToken", resource: { arn: "*" }, context });
    expect(tag({ "aws:TagKeys": ["Team"], "aws:RequestTag/Team": "payments-core" })).toBe(true);
    expect(tag({ "aws:TagKeys": ["Team"], "aws:RequestTag/Team": "admins" })).toBe(false);
    expect(tag({ "aws:TagKeys": ["Team", "Role"], "aws:RequestTag/Team": "payments-core", "aws:RequestTag/Role": "admin" })).toBe(false);
  });

  it("refuses wildcard audiences when building", () => {
    expect(() => outboundTokenStatements({ audiences: ["https://*.example"], maxDurationSeconds: 300 })).toThrow(/wildcard/);
  });
});

describe("Roles Anywhere trust", () => {
  const anchor = `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:trust-anchor/11111111-2222-3333-4444-555555555555`;
  const trust = rolesAnywhereTrust({
    accountId: ACCOUNT,
    trustAnchorArn: anchor,
    certificates: [
      { subject: { CN: "backup01.dc1.example.com", OU: "platform" }, issuer: { CN: "Example Corp Issuing CA 1" } },
      { subject: { CN: "backup02.dc2.example.com" }, issuer: { CN: "Example Corp Issuing CA 2" } },
    ],
  });
  const cert = (subject: Record<string, string>, issuer: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(subject).map(([k, v]) => [`x509Subject/${k}`, v])),
    ...Object.fromEntries(Object.entries(issuer).map(([k, v]) => [`x509Issuer/${k}`, v])),
  });
  const assume = (tags: Record<string, string>, context: Record<string, string> = {}, action = "sts:AssumeRole") =>
    evaluate(
      {
        principal: { service: "rolesanywhere.amazonaws.com", tags },
        action,
        resource: { arn: ROLE },
        context: { "aws:SourceArn": anchor, "aws:SourceAccount": ACCOUNT, ...context },
      },
      { resource: { name: "trust", document: trust } },
      { resourceKind: "role-trust" },
    ).allowed;
  const first = cert({ CN: "backup01.dc1.example.com", OU: "platform" }, { CN: "Example Corp Issuing CA 1" });

  it("lets each declared certificate assume, tag and name the session", () => {
    for (const action of ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]) expect(assume(first, {}, action)).toBe(true);
    expect(assume(cert({ CN: "backup02.dc2.example.com" }, { CN: "Example Corp Issuing CA 2" }))).toBe(true);
  });

  it("refuses another subject, a declared subject from the other certificate's issuer, a missing field, another anchor or account", () => {
    expect(assume(cert({ CN: "backup03.dc1.example.com", OU: "platform" }, { CN: "Example Corp Issuing CA 1" }))).toBe(false);
    expect(assume(cert({ CN: "backup01.dc1.example.com", OU: "platform" }, { CN: "Example Corp Issuing CA 2" }))).toBe(false);
    expect(assume(cert({ CN: "backup01.dc1.example.com" }, { CN: "Example Corp Issuing CA 1" }))).toBe(false);
    expect(assume(first, { "aws:SourceArn": anchor.replace("11111111", "99999999") })).toBe(false);
    expect(assume(first, { "aws:SourceAccount": "444444444444" })).toBe(false);
    expect(assume(first, {}, "sts:AssumeRoleWithWebIdentity")).toBe(false);
  });

  it("refuses to build a trust without a subject CN", () => {
    expect(() => rolesAnywhereTrust({ accountId: ACCOUNT, trustAnchorArn: anchor, certificates: [{ subject: { OU: "platform" } }] })).toThrow(/subject CN/);
  });
});

describe("the example's value intents, proven against the synthesized stacks", () => {
  let org: ResolvedOrg;
  let out: string;
  let results: IntentResult[];
  /** The decisions of the baseline's own policies: the organization's RCPs refuse some of the same requests first. */
  let ownPolicies: IntentResult[];
  beforeAll(() => {
    org = loadConfig("config/org.yaml");
    out = mkdtempSync(join(tmpdir(), "values-access-"));
    synthesizeInto(org, out);
    const world = buildWorld(readSynthesized(out), org);
    results = proveIntents(world, valueIntents(org));
    ownPolicies = proveIntents({ ...world, organization: undefined }, valueIntents(org));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const outcome = (title: RegExp) => {
    const found = ownPolicies.filter((r) => title.test(r.intent.title));
    expect(found.length, String(title)).toBeGreaterThan(0);
    return found.map((r) => [r.intent.title, r.decision?.decision]);
  };

  it("the declared reader reads and decrypts the hierarchy", () => {
    expect(outcome(/^payments-prod\/payments-api (reads|decrypts) /)).toEqual(
      expect.arrayContaining([["payments-prod/payments-api reads /prod/payments/api/log-level in eu-west-1", "Allow"]]),
    );
    for (const [, decision] of outcome(/^payments-prod\/payments-api (reads|decrypts) /)) expect(decision).toBe("Allow");
  });

  it("the same reader gets nothing outside the path, nor KMS directly", () => {
    for (const [, decision] of outcome(/payments-api cannot (read|decrypt)/)) expect(decision).toMatch(/^(Implicit|Explicit)Deny$/);
  });

  it("the outbound-token role mints for its audience only", () => {
    expect(outcome(/payments-api mints a token/)).toEqual([
      ["payments-prod/payments-api mints a token for https://api.card-processor.example valid 300 s", "Allow"],
    ]);
    for (const [, decision] of outcome(/payments-api cannot mint/)) expect(decision).toBe("ImplicitDeny");
  });

  it("only the declared workload certificate assumes the Roles Anywhere role, through its own anchor", () => {
    expect(outcome(/^workload certificate backup01\.dc1\.example\.com assumes it/)).toEqual([
      ["workload certificate backup01.dc1.example.com assumes it through its trust anchor (sts:AssumeRole)", "Allow"],
      ["workload certificate backup01.dc1.example.com assumes it through its trust anchor (sts:TagSession)", "Allow"],
    ]);
    const denied = outcome(/cannot assume it \(sts:/);
    expect(denied).toHaveLength(8);
    for (const [, decision] of denied) expect(decision).toBe("ImplicitDeny");
  });

  it("every value intent holds", () => {
    expect(results.filter((r) => !r.passed).map((r) => r.intent.title)).toEqual([]);
  });
});
