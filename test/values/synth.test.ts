import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { synthesizeInto } from "../../stacks/synth.js";

/**
 * Write-only values in the synthesized example: the ephemeral blocks cdktf cannot
 * express are there, Terraform itself accepts them and refuses to persist them,
 * and no value (given or generated) is in any synthesized file.
 */

type Block = Record<string, unknown>;
interface StackJson {
  terraform?: { required_version?: string };
  variable?: Record<string, Block>;
  ephemeral?: Record<string, Record<string, Block>>;
  resource?: Record<string, Record<string, Block>>;
}

/** Arguments of the provider's ephemeral aws_secretsmanager_random_password (hashicorp/aws 6.x docs). */
const RANDOM_PASSWORD_ARGUMENTS = [
  "exclude_characters",
  "exclude_lowercase",
  "exclude_numbers",
  "exclude_punctuation",
  "exclude_uppercase",
  "include_space",
  "password_length",
  "region",
  "require_each_included_type",
];

const STACK = "payments-prod-eu-west-1";
let out: string;
let work: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "values-synth-"));
  work = mkdtempSync(join(tmpdir(), "values-tf-"));
  synthesizeInto(loadConfig("config/org.yaml"), out);
});
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const stackJson = (name: string) => JSON.parse(readFileSync(join(out, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;
const ephemeralVariables = (s: StackJson) => Object.entries(s.variable ?? {}).filter(([, v]) => v.ephemeral === true);

/** Runs terraform in a fresh folder holding `config` as main.tf.json; returns its JSON output (or the plan, with `plan`). */
function terraform(name: string, config: unknown, args: string[], env: Record<string, string> = {}): { status: number; stdout: string } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
  const run = spawnSync("terraform", args, { cwd: dir, env: { ...process.env, TF_IN_AUTOMATION: "1", ...env }, encoding: "utf8" });
  return { status: run.status ?? -1, stdout: run.stdout };
}

/**
 * A provider-free configuration carrying the stack's variables exactly as
 * synthesized (the AWS provider cannot be downloaded here), its Terraform version
 * constraint, and its literal strings; `consume` says where the ephemeral variables go.
 */
function providerFree(s: StackJson, consume: "locals" | "resource"): unknown {
  const refs = ephemeralVariables(s).map(([name]) => `\${var.${name}}`);
  const literals = [
    ...Object.values(s.ephemeral ?? {}).flatMap((byName) => Object.values(byName).flatMap((b) => Object.values(b))),
    ...Object.values(s.resource?.aws_ssm_parameter ?? {}).flatMap((p) => [p.name, p.value]),
  ].filter((v): v is string => typeof v === "string" && !v.includes("${"));
  return {
    terraform: { required_version: s.terraform?.required_version },
    variable: s.variable,
    ...(consume === "locals" ? { locals: { write_only: refs } } : {}),
    resource: { terraform_data: { strings: { input: consume === "resource" ? [...literals, ...refs] : literals } } },
  };
}

describe("write-only values in the synthesized example", () => {
  it("writes the generated first value through an ephemeral random password and secret_string_wo", () => {
    const s = stackJson(STACK);
    const passwords = Object.entries(s.ephemeral?.aws_secretsmanager_random_password ?? {});
    expect(passwords).toHaveLength(1);
    const [name, body] = passwords[0]!;
    expect(Object.keys(body).filter((k) => !RANDOM_PASSWORD_ARGUMENTS.includes(k))).toEqual([]);
    expect(body).toMatchObject({ password_length: 64, exclude_characters: "\"'@/\\", require_each_included_type: true });
    const versions = Object.values(s.resource?.aws_secretsmanager_secret_version ?? {});
    expect(versions.map((v) => [v.secret_string_wo, v.secret_string_wo_version]).sort()).toEqual([
      [`\${ephemeral.aws_secretsmanager_random_password.${name}.random_password}`, 1],
      ["${var.payments_webhook_token}", 1],
    ]);
    expect(versions.every((v) => !("secret_string" in v) && !("secret_binary" in v))).toBe(true);
    expect(s.terraform?.required_version).toBe(">= 1.11.0");
  });

  it("declares the supplied values as ephemeral, sensitive variables, and the SecureString writes value_wo under the key", () => {
    const s = stackJson(STACK);
    expect(ephemeralVariables(s).map(([n, v]) => [n, v.sensitive, v.nullable, v.type])).toEqual([
      ["payments_database_url", true, false, "string"],
      ["payments_webhook_token", true, false, "string"],
    ]);
    const secure = Object.values(s.resource?.aws_ssm_parameter ?? {}).filter((p) => p.type === "SecureString");
    expect(secure).toEqual([
      expect.objectContaining({
        name: "/prod/payments/api/database-url",
        value_wo: "${var.payments_database_url}",
        value_wo_version: 1,
        key_id: expect.stringMatching(/^\$\{aws_kms_key\.key-payments-data_key_\w+\.arn\}$/),
      }),
    ]);
    expect(secure[0]).not.toHaveProperty("value");
  });

  it("only stacks with write-only values ask for Terraform >= 1.11", () => {
    const asking = readdirSync(join(out, "stacks")).filter((n) => stackJson(n).terraform?.required_version);
    expect(asking).toEqual([STACK]);
  });
});

describe("Roles Anywhere in the synthesized example", () => {
  it("creates the trust anchor from the ACM Private CA, the profile with the session bound and policy, and a trust naming that anchor", () => {
    const s = stackJson("shared-services-eu-west-1");
    const anchors = s.resource?.aws_rolesanywhere_trust_anchor ?? {};
    expect(Object.keys(anchors)).toEqual(["rolesanywhere-onprem-backup-agent"]);
    expect(anchors["rolesanywhere-onprem-backup-agent"]!.source).toEqual({
      source_type: "AWS_ACM_PCA",
      source_data: { acm_pca_arn: "arn:aws:acm-pca:eu-west-1:444444444444:certificate-authority/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
    });
    const [profile] = Object.values(s.resource?.aws_rolesanywhere_profile ?? {});
    expect(profile).toMatchObject({
      duration_seconds: 900,
      enabled: true,
      role_arns: [expect.stringMatching(/^\$\{aws_iam_role\.role-onprem-backup-agent_role_\w+\.arn\}$/)],
    });
    expect(JSON.parse(profile!.session_policy as string).Statement[0].Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    const role = Object.entries(s.resource?.aws_iam_role ?? {}).find(([id]) => id.startsWith("role-onprem-backup-agent"))![1];
    const trust = JSON.parse(role.assume_role_policy as string) as { Statement: Array<{ Condition: Record<string, Record<string, string>> }> };
    expect(trust.Statement[0]!.Condition.ArnEquals).toEqual({ "aws:SourceArn": "${aws_rolesanywhere_trust_anchor.rolesanywhere-onprem-backup-agent.arn}" });
    expect(role.max_session_duration).toBe(3600);
    // Global IAM and the anchor live in the home region only.
    expect(stackJson("shared-services-eu-central-1").resource?.aws_rolesanywhere_trust_anchor).toBeUndefined();
  });

  it("takes a CA bundle from a file next to the config, whatever folder it is in", () => {
    const dir = mkdtempSync(join(tmpdir(), "values-bundle-"));
    try {
      const pem = "-----BEGIN CERTIFICATE-----\nMIIBbundle\n-----END CERTIFICATE-----\n";
      mkdirSync(join(dir, "ca"));
      writeFileSync(join(dir, "ca", "issuing.pem"), pem);
      const text = readFileSync("config/org.yaml", "utf8").replace(/acmPcaArn: arn:aws:acm-pca:\S+/, "certificateBundle: ca/issuing.pem");
      writeFileSync(join(dir, "org.yaml"), text);
      synthesizeInto(loadConfig(join(dir, "org.yaml")), join(dir, "out"));
      const s = JSON.parse(readFileSync(join(dir, "out", "stacks", "shared-services-eu-west-1", "cdk.tf.json"), "utf8")) as StackJson;
      expect(s.resource?.aws_rolesanywhere_trust_anchor?.["rolesanywhere-onprem-backup-agent"]?.source).toEqual({
        source_type: "CERTIFICATE_BUNDLE",
        source_data: { x509_certificate_data: pem },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Terraform itself on the synthesized blocks (terraform validate / plan, provider-free)", () => {
  it("accepts the variables, the version constraint and the literal strings", () => {
    const run = terraform("valid", providerFree(stackJson(STACK), "locals"), ["validate", "-json"]);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });

  it("refuses to let the ephemeral variables reach an argument that is stored in state", () => {
    const run = terraform("invalid", providerFree(stackJson(STACK), "resource"), ["validate", "-json"]);
    const result = JSON.parse(run.stdout) as { valid: boolean; diagnostics: Array<{ summary: string; detail: string }> };
    expect(result.valid).toBe(false);
    expect(result.diagnostics.map((d) => d.summary)).toContain("Invalid use of ephemeral value");
    expect(result.diagnostics.map((d) => d.detail).join("\n")).toMatch(/not a write-only attribute and must be persisted to state/);
  });

  it("keeps a supplied value out of the saved plan and the state, where a plain variable would land", () => {
    const s = stackJson(STACK);
    const sentinel = "Sentinel-Value-5c1e";
    const env = Object.fromEntries(ephemeralVariables(s).map(([n]) => [`TF_VAR_${n}`, sentinel]));
    const planAndState = (name: string, config: unknown): string => {
      expect(terraform(name, config, ["plan", "-input=false", "-out=tfplan"], env).status).toBe(0);
      const shown = terraform(name, config, ["show", "-json", "tfplan"], env).stdout;
      expect(terraform(name, config, ["apply", "-input=false", "tfplan"], env).status).toBe(0);
      return shown + readFileSync(join(work, name, "terraform.tfstate"), "utf8");
    };
    expect(planAndState("ephemeral", providerFree(s, "locals"))).not.toContain(sentinel);
    // The same variables without `ephemeral` (as cdktf alone would write them) put the value in the plan.
    const plain = providerFree(s, "locals") as { variable: Record<string, Block> };
    plain.variable = Object.fromEntries(Object.entries(plain.variable).map(([n, v]) => [n, { ...v, ephemeral: undefined }]));
    expect(planAndState("plain", plain)).toContain(sentinel);
  });
});

describe("no value in any synthesized file", () => {
  it("holds no supplied or generated value, and every write-only argument names an ephemeral source", () => {
    const sentinel = "Given-Value-9d2b";
    const again = mkdtempSync(join(tmpdir(), "values-env-"));
    const saved = { ...process.env };
    try {
      // Even with the values in the environment, as an apply would have them, synthesis never reads them.
      Object.assign(process.env, { TF_VAR_payments_webhook_token: sentinel, TF_VAR_payments_database_url: sentinel });
      synthesizeInto(loadConfig("config/org.yaml"), again);
      const files = walk(again);
      expect(files.length).toBeGreaterThan(11);
      for (const file of files) expect(readFileSync(file, "utf8"), file).not.toContain(sentinel);
      for (const file of files.filter((f) => f.endsWith("cdk.tf.json"))) {
        const text = readFileSync(file, "utf8");
        for (const [, field, value] of text.matchAll(/"(secret_string_wo|value_wo)":\s*"([^"]*)"/g)) {
          expect(value, `${file} ${field}`).toMatch(/^\$\{(var\.[a-z0-9_]+|ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password)\}$/);
        }
        expect(text).not.toMatch(/"(secret_string|secret_binary|insecure_value)":/);
      }
    } finally {
      process.env = saved;
      rmSync(again, { recursive: true, force: true });
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// Fail early and clearly when the machine lacks the Terraform the proofs need.
execFileSync("terraform", ["version"], { stdio: "ignore" });
