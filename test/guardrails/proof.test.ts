import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { guardrailIntents } from "../../modules/access/guardrail-intents.js";
import { deriveIntents, proveIntents } from "../../modules/access/intents.js";
import { proveAccess } from "../../modules/access/prove.js";
import { ask, buildWorld, levelsOf, organizationPolicies, policiesFor } from "../../modules/access/world.js";
import { readSynthesized } from "../../modules/controls/check.js";
import type { SynthesizedStack } from "../../modules/controls/types.js";
import { GUARDRAIL_IDS, GUARDRAILS } from "../../modules/guardrail-plan.js";
import { synthesizeInto } from "../../stacks/synth.js";

const example = loadConfig("config/org.yaml");
const second = loadConfig("test/fixtures/guardrails-org.yaml");
let dir: string;
const synthesized = new Map<ResolvedOrg, SynthesizedStack[]>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baseline-guardrail-proof-"));
  for (const [name, org] of [
    ["example", example],
    ["second", second],
  ] as const) {
    synthesizeInto(org, join(dir, name));
    synthesized.set(org, readSynthesized(join(dir, name)));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The synthesized stacks with `sid`'s statements (and their split parts) removed from every organization policy. */
function withoutStatement(stacks: readonly SynthesizedStack[], sid: string): SynthesizedStack[] {
  return stacks.map((stack) => {
    const copy = structuredClone(stack);
    for (const policy of Object.values(copy.json.resource?.aws_organizations_policy ?? {})) {
      const doc = JSON.parse(policy.content as string) as { Statement: Array<{ Sid?: string }> };
      doc.Statement = doc.Statement.filter((s) => !new RegExp(`^${sid}\\d*$`).test(s.Sid ?? ""));
      policy.content = JSON.stringify(doc);
    }
    return copy;
  });
}

/** Denials only the guardrails make: without them the baseline's own policies would allow the request. */
function guardedOnly(org: ResolvedOrg) {
  const world = buildWorld(synthesized.get(org)!, org);
  const intents = guardrailIntents(org).filter((i) => i.expect === "deny" && ask(world, i.request, { ...i.options, withoutGuardrails: true }).allowed);
  expect(intents.length).toBeGreaterThan(20);
  return intents;
}

const proveGuardrails = (org: ResolvedOrg, stacks: readonly SynthesizedStack[]) => proveIntents(buildWorld(stacks, org), guardrailIntents(org));
const failing = (org: ResolvedOrg, stacks: readonly SynthesizedStack[]) => proveGuardrails(org, stacks).filter((r) => !r.passed);

describe("guardrails proven with the access evaluator", () => {
  it.each([
    ["example", example],
    ["second organization", second],
  ])("%s: every guardrail intent holds against the synthesized stacks", (_name, org) => {
    const results = proveGuardrails(org, synthesized.get(org)!);
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => !r.passed).map((r) => `${r.intent.subject}: ${r.intent.title} -> ${r.decision?.reason ?? r.error}`)).toEqual([]);
  });

  it("every denial is decided by a guardrail: a member role cannot create an access key, not even the deploy role", () => {
    const results = proveGuardrails(example, synthesized.get(example)!);
    for (const r of results.filter((x) => x.intent.expect === "deny")) {
      expect(r.decision!.decision, r.intent.title).toBe("ExplicitDeny");
      expect(r.decision!.decidedBy.map((d) => d.policy).join(" "), r.intent.title).toMatch(/^(SCP|RCP) org-baseline-/);
    }
    const key = results.find((r) => r.intent.title === "not even payments-prod's deploy role can create an access key")!;
    expect(key.decision!.decidedBy).toEqual([expect.objectContaining({ policy: "SCP org-baseline-scp-root-1", sid: "DenyStandingCredentials" })]);
  });

  it("an outside principal cannot read a secret even where the secret's policy allows everyone", () => {
    const world = buildWorld(synthesized.get(example)!, example);
    const intent = guardrailIntents(example).find((i) => i.subject === "payments-prod/guardrail/resourcePerimeter" && i.expect === "deny")!;
    expect(ask(world, intent.request, intent.options).decidedBy.map((d) => d.sid)).toEqual(["EnforceOrgIdentities"]);
    // Without the RCP, the loosened policy lets the outsider in: the guardrail is what stops it.
    expect(ask(world, intent.request, { ...intent.options, withoutGuardrails: true }).allowed).toBe(true);
  });

  it("the deploy and apply roles still administer what the baseline manages", () => {
    const allowed = proveGuardrails(example, synthesized.get(example)!).filter((r) => r.intent.expect === "allow");
    const titles = allowed.map((r) => r.intent.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "the deploy role of payments-prod can still change the deploy role's trust",
        "the deploy role of payments-prod can still schedule deletion of key payments-data",
        "the deploy role of payments-prod can still replace the policy of secret payments/webhook-token",
        "the deploy role of security can still stop the Config recorder",
        "the deploy role of security can still disable Security Hub",
        "the pipelines' apply role of payments-prod can still assume the deploy role",
        "the declared third party arn:aws:iam::999999999999:role/VendorScanner can still assume platform-readonly",
        "the excepted AWSControlTowerExecution of log-archive can manage the Config recorder (Control Tower enrolled log-archive and manages its recorder and trail (platform team, SEC-150))",
      ]),
    );
    for (const r of allowed) expect(r.decision!.allowed, r.intent.title).toBe(true);
  });

  it("the management account is called out: no SCP binds it", () => {
    const intent = guardrailIntents(example).find((i) => i.subject === "management/guardrail/management-account")!;
    expect(intent.expect).toBe("allow");
    expect(intent.title).toMatch(/not subject to SCPs/);
    expect(organizationPolicies(synthesized.get(example)!, example)!.managementAccount).toBe("111111111111");
  });

  it("one proof: the access intents and the guardrail intents hold together, the access intents under the SCPs and RCPs", () => {
    const stacks = synthesized.get(example)!;
    const proof = proveAccess(example, stacks);
    expect(proof.failures.map((f) => `${f.subject}: ${f.title} -> ${f.reason}`)).toEqual([]);
    expect(proof.intents).toBe(proveIntents(buildWorld(stacks, example), guardrailIntents(example)).length + 374);
    // A declared reader's read goes through the region deny: the world takes the region from the secret's ARN.
    const world = buildWorld(stacks, example);
    const read = deriveIntents(example).find((i) => i.expect === "allow" && i.request.action === "secretsmanager:GetSecretValue")!;
    expect(ask(world, read.request, read.options).allowed).toBe(true);
    const elsewhere = { ...read.request, resource: { arn: read.request.resource.arn.replace(/:(eu-[a-z]+-\d):/, ":ap-south-1:") } };
    expect(ask(world, elsewhere, read.options).decidedBy.map((d) => d.sid)).toContain("DenyOutsideAllowedRegions");
  });

  it("the world fills in what AWS sends: the requested region (resource ARN, endpoint, IAM's us-east-1) and an in-organization source's organization", () => {
    const world = buildWorld(synthesized.get(example)!, example);
    const context = (resource: string, extra: Record<string, string> = {}, endpointOf?: { account: string; region: string; service: string }) =>
      policiesFor(
        world,
        { principal: { service: "cloudtrail.amazonaws.com" }, action: "s3:PutObject", resource: { arn: resource }, context: extra },
        { endpointOf },
      ).request.context!;
    expect(context("arn:aws:kms:eu-central-1:555555555555:key/k")["aws:RequestedRegion"]).toBe("eu-central-1");
    expect(context("arn:aws:iam::555555555555:role/r")["aws:RequestedRegion"]).toBe("us-east-1");
    expect(context("*", {}, { account: "555555555555", region: "eu-west-1", service: "s3" })["aws:RequestedRegion"]).toBe("eu-west-1");
    expect(context("arn:aws:s3:::bucket/key")["aws:RequestedRegion"]).toBeUndefined();
    expect(context("arn:aws:s3:::bucket/key", { "aws:SourceAccount": "555555555555" })["aws:SourceOrgID"]).toBe(example.config.organization.id);
    expect(context("arn:aws:s3:::bucket/key", { "aws:SourceAccount": "999999999999" })["aws:SourceOrgID"]).toBeUndefined();
    // What the request says wins over what the world derives.
    expect(context("arn:aws:kms:eu-central-1:555555555555:key/k", { "aws:RequestedRegion": "us-west-2" })["aws:RequestedRegion"]).toBe("us-west-2");
  });

  it("an account's chain has one level per OU from the root, AWS's full-access policy at each, guardrails where attached", () => {
    const policies = organizationPolicies(synthesized.get(second)!, second)!;
    expect(levelsOf("/Workloads/Prod/")).toEqual(["/", "/Workloads", "/Workloads/Prod"]);
    const names = (levels: Array<Array<{ name: string }>> | undefined) => levels!.map((l) => l.map((p) => p.name));
    expect(names(policies.scps("100000000003"))).toEqual([
      ["FullAWSAccess (AWS managed)", "SCP org-baseline-scp-root-1", "SCP org-baseline-scp-root-2"],
      ["FullAWSAccess (AWS managed)", "SCP org-baseline-scp-sandbox+workloads"],
      ["FullAWSAccess (AWS managed)"],
      ["FullAWSAccess (AWS managed)"],
    ]);
    expect(names(policies.rcps("100000000003"))).toEqual([
      ["RCPFullAWSAccess (AWS managed)", "RCP org-baseline-rcp-root"],
      ["RCPFullAWSAccess (AWS managed)"],
      ["RCPFullAWSAccess (AWS managed)", "RCP org-baseline-rcp-workloads-prod"],
      ["RCPFullAWSAccess (AWS managed)"],
    ]);
    // secureTransport is attached to /Workloads/Prod only: the sandbox is not proven against it.
    expect(guardrailIntents(second).some((i) => i.subject === "sandbox/guardrail/secureTransport")).toBe(false);
    expect(guardrailIntents(second).some((i) => i.subject === "shop-prod/guardrail/secureTransport")).toBe(true);
  });
});

describe("mutations: a removed deny fails the proof", () => {
  const sids = GUARDRAIL_IDS.flatMap((id) => GUARDRAILS[id].sids.map((sid) => [id, sid] as const)).concat([
    ["trustedIdentityProviders", "EnforceGithubOwners"],
  ]);
  // Statements whose denial the example's intents exercise; the rest (aliases, boundary policy, permission boundary) are data-tested.
  const exercised = new Set([
    "DenyStandingCredentials",
    "ProtectBaselineRoles",
    "ProtectBaselineKeys",
    "ProtectConfig",
    "ProtectSecurityHub",
    "ProtectCloudTrail",
    "DenyLeaveOrganization",
    "DenyRootUser",
    "DenyOutsideAllowedRegions",
    "EnforceOrgIdentities",
    "EnforceConfusedDeputyProtection",
    "EnforceSecureTransport",
    "EnforceTrustedOidcProviders",
    "EnforceGithubOwners",
  ]);
  it.each(sids.filter(([, sid]) => exercised.has(sid)))("%s without %s", (id, sid) => {
    const failures = failing(example, withoutStatement(synthesized.get(example)!, sid));
    expect(failures.length, `${id}/${sid}`).toBeGreaterThan(0);
    for (const f of failures) expect(f.intent.expect).toBe("deny");
  });

  it("removing an attachment fails the proof too", () => {
    const stacks = synthesized.get(example)!.map((s) => {
      const copy = structuredClone(s);
      delete copy.json.resource?.aws_organizations_policy_attachment;
      return copy;
    });
    expect(failing(example, stacks).map((f) => f.intent.title)).toEqual(guardedOnly(example).map((i) => i.title));
  });

  it("an exception wider than declared is caught: exempting every role from no-standing-credentials fails the proof", () => {
    const stacks = synthesized.get(example)!.map((s) => {
      const copy = structuredClone(s);
      for (const policy of Object.values(copy.json.resource?.aws_organizations_policy ?? {})) {
        policy.content = (policy.content as string).replace(
          '"Sid":"DenyStandingCredentials","Effect":"Deny",',
          '"Sid":"DenyStandingCredentials","Effect":"Deny","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}},',
        );
      }
      return copy;
    });
    expect(failing(example, stacks).map((f) => f.intent.subject)).toContain("payments-prod/guardrail/noStandingCredentials");
  });

  it("proving against stacks without the management stack finds no guardrails and fails every denial", () => {
    const members = synthesized.get(example)!.filter((s) => !s.name.startsWith("management-"));
    const results = proveIntents(buildWorld(members, example), guardrailIntents(example));
    expect(results.filter((r) => !r.passed).map((r) => r.intent.title)).toEqual(guardedOnly(example).map((i) => i.title));
  });
});
