import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { deriveIntents, proveIntents } from "../../modules/access/intents.js";
import { buildWorld, terraformValue } from "../../modules/access/world.js";
import { readSynthesized } from "../../modules/controls/check.js";
import type { SynthesizedStack } from "../../modules/controls/types.js";
import { synthesizeInto } from "../../stacks/synth.js";

/** The access intents of two organizations, proven against their synthesized stacks, and what breaking a policy does to them. */

const dir = mkdtempSync(join(tmpdir(), "access-intents-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function synthesized(config: string): { org: ResolvedOrg; stacks: SynthesizedStack[] } {
  const org = loadConfig(config);
  const out = join(dir, config.replace(/\W/g, "-"));
  synthesizeInto(org, out);
  return { org, stacks: readSynthesized(out) };
}

function failing(org: ResolvedOrg, stacks: readonly SynthesizedStack[]): string[] {
  const results = proveIntents(buildWorld(stacks, org), deriveIntents(org));
  return results.filter((r) => !r.passed).map((r) => `${r.intent.subject}: ${r.intent.title}${r.error ? ` [${r.error}]` : ""}`);
}

let example: { org: ResolvedOrg; stacks: SynthesizedStack[] };
let second: { org: ResolvedOrg; stacks: SynthesizedStack[] };
beforeAll(() => {
  example = synthesized("config/org.yaml");
  second = synthesized("test/fixtures/second-org.yaml");
});

describe("every intent of the config holds in the synthesized stacks", () => {
  it.each([["the example organization"], ["a second organization"]])("%s", (which) => {
    const { org, stacks } = which === "the example organization" ? example : second;
    expect(failing(org, stacks)).toEqual([]);
  });

  it("derives intents from the config: declared readers in every region, strangers, outsiders, wrong tags, other subjects", () => {
    const titles = deriveIntents(second.org).map((i) => `${i.expect} ${i.subject}: ${i.title}`);
    for (const expected of [
      "allow platform/secret/claims/db: claims-dev/claims-api reads the value in us-west-2",
      "allow platform/secret/claims/db: claims-prod/claims-api decrypts it through Secrets Manager in us-east-1",
      "allow platform/secret/claims/db: platform/platform-tools reads the value in us-east-1",
      "allow platform/secret/claims/partner-token: platform/batch-abac (ABAC on Project) reads the value in us-east-1",
      "deny platform/secret/claims/partner-token: a principal of claims-prod with the wrong tag value cannot read it in us-east-1",
      "deny platform/secret/claims/db: a principal of another organization cannot read it in us-west-2",
      "allow platform/key/vault: claims-prod/claims-batch uses it (kms:Encrypt) through sqs in us-west-2",
      "deny platform/key/vault: administrator platform/key-admin cannot decrypt with it in us-east-1",
      "deny platform/role/vendor-audit: third party arn:aws:iam::777777777777:role/AuditVendor cannot assume it without the ExternalId",
      "deny claims-prod/role/claims-operator: broker arn:aws:iam::100000000002:role/jit-broker cannot assume it without a source identity",
      "deny claims-prod/role/claims-release: GitHub Actions with subject repo:acme-health/claims:pull_request cannot assume it",
      "allow platform/endpoint/core-ecr.api: a principal of platform gets a registry token (names no resource)",
    ]) {
      expect(titles).toContain(expected);
    }
  });
});

type Mutation = (doc: { Statement: Array<Record<string, any>> }) => void;

/** A copy of the stacks with one policy document of one resource changed. */
function mutate(
  stacks: readonly SynthesizedStack[],
  stack: string,
  type: string,
  match: (block: Record<string, unknown>) => boolean,
  field: string,
  change: Mutation,
): SynthesizedStack[] {
  const copy = JSON.parse(JSON.stringify(stacks)) as SynthesizedStack[];
  const blocks = Object.values(copy.find((s) => s.name === stack)!.json.resource![type]!);
  const block = blocks.find(match)!;
  expect(block, `${type} in ${stack}`).toBeDefined();
  const doc = JSON.parse(block[field] as string);
  change(doc);
  block[field] = JSON.stringify(doc);
  return copy;
}

const named = (name: string) => (b: Record<string, unknown>) => b.name === name;

describe("the proof fails when a policy is weakened", () => {
  it("a removed deny: a stranger reads the secret", () => {
    const stacks = mutate(
      second.stacks,
      "platform-us-east-1",
      "aws_secretsmanager_secret_policy",
      (b) => String(b.secret_arn).includes("claims_2f_db"),
      "policy",
      (doc) => {
        doc.Statement = doc.Statement.filter((s) => s.Sid !== "DenyReadingExceptReaders");
      },
    );
    expect(failing(second.org, stacks)).toContain("platform/secret/claims/db: a stranger of platform with secretsmanager:* cannot read it in us-east-1");
  });

  it("a misspelled operator is refused, never read as allowing or denying", () => {
    const stacks = mutate(second.stacks, "claims-prod-us-east-1", "aws_iam_role", named("claims-release"), "assume_role_policy", (doc) => {
      const s = doc.Statement[0]!;
      s.Condition = { StringEqual: s.Condition.StringEquals };
    });
    expect(failing(second.org, stacks).filter((f) => f.startsWith("claims-prod/role/claims-release:"))[0]).toMatch(/unknown condition operator "StringEqual"/);
  });

  it("a dropped condition: people assume without MFA", () => {
    const stacks = mutate(second.stacks, "security-us-east-1", "aws_iam_role", named("auditor"), "assume_role_policy", (doc) => {
      delete doc.Statement[0]!.Condition.Bool;
      delete doc.Statement[0]!.Condition.NumericLessThan;
    });
    expect(failing(second.org, stacks)).toContain("security/role/auditor: arn:aws:iam::100000000002:role/responders cannot assume it without MFA");
  });

  it("a widened subject: another repository assumes the GitHub role", () => {
    const stacks = mutate(second.stacks, "claims-prod-us-east-1", "aws_iam_role", named("claims-release"), "assume_role_policy", (doc) => {
      const s = doc.Statement[0]!;
      const sub = "token.actions.githubusercontent.com:sub";
      delete s.Condition.StringEquals[sub];
      s.Condition.StringLike = { [sub]: "repo:acme-health/*" };
    });
    expect(failing(second.org, stacks)).toContain(
      "claims-prod/role/claims-release: GitHub Actions with subject repo:acme-health/claims-fork:ref:refs/heads/main cannot assume it",
    );
  });

  it("a dropped ExternalId: the third party assumes without it", () => {
    const stacks = mutate(second.stacks, "platform-us-east-1", "aws_iam_role", named("vendor-audit"), "assume_role_policy", (doc) => {
      for (const s of doc.Statement) delete s.Condition?.StringEquals?.["sts:ExternalId"];
    });
    expect(failing(second.org, stacks)).toContain(
      "platform/role/vendor-audit: third party arn:aws:iam::777777777777:role/AuditVendor cannot assume it without the ExternalId",
    );
  });

  it("an endpoint perimeter without its organization condition lets other organizations through", () => {
    const stacks = mutate(
      second.stacks,
      "platform-us-east-1",
      "aws_vpc_endpoint",
      (b) => String(b.service_name).endsWith(".secretsmanager"),
      "policy",
      (doc) => {
        for (const s of doc.Statement) delete s.Condition?.StringEquals?.["aws:PrincipalOrgID"];
      },
    );
    expect(failing(second.org, stacks)).toContain(
      "platform/endpoint/core-secretsmanager: a principal of another organization cannot: reads a secret of platform",
    );
  });
});

describe("Terraform strings", () => {
  it("are read as Terraform evaluates them: $${ is a literal, ${ref} a value known at apply", () => {
    expect(terraformValue('{"v":"$${aws:PrincipalTag/Project}"}')).toBe('{"v":"${aws:PrincipalTag/Project}"}');
    expect(terraformValue("${data.aws_lambda_function.f.role}")).toBe("«data.aws_lambda_function.f.role»");
    expect(terraformValue("${aws_iam_role.r.arn}", new Map([["aws_iam_role.r.arn", "arn:aws:iam::1:role/r"]]))).toBe("arn:aws:iam::1:role/r");
    expect(terraformValue("%%{literal}")).toBe("%{literal}");
    // Escapes on both sides of a reference, and an escaped ${ that is not the start of one.
    expect(terraformValue("$${aws:userid}/${aws_iam_role.r.name}/%%{x}/$${a.b.c}")).toBe("${aws:userid}/«aws_iam_role.r.name»/%{x}/${a.b.c}");
  });
});
