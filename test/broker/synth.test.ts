import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { brokerPackage, brokerPolicyData, handlerSource } from "../../modules/broker/asset.js";
import { synthesizeInto } from "../../stacks/synth.js";

/** The broker as synthesized for the example organization. */

type Resources = Record<string, Record<string, Record<string, unknown>>>;

let org: ResolvedOrg;
let out: string;
let security: { resource: Resources; terraform: { required_providers: { aws: { version: string } } }; output: Record<string, { value: string }> };

beforeAll(() => {
  org = loadConfig("config/org.yaml");
  out = mkdtempSync(join(tmpdir(), "broker-synth-"));
  synthesizeInto(
    org,
    out,
    org.stacks.filter((s) => s.account.name === "security" || s.name === "payments-prod-eu-west-1"),
  );
  security = JSON.parse(readFileSync(join(out, "stacks", "security-eu-west-1", "cdk.tf.json"), "utf8"));
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Entries of a zip as stored: name, DOS time and date, and content (stored entries only). */
function readZip(zip: Buffer): Array<{ name: string; time: number; date: number; data: Buffer }> {
  const entries = [];
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    expect(method).toBe(0);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    const start = at + 30 + nameLength + extra;
    entries.push({ name, time: zip.readUInt16LE(at + 10), date: zip.readUInt16LE(at + 12), data: zip.subarray(start, start + size) });
    at = start + size;
  }
  return entries;
}

describe("the synthesized access broker", () => {
  const only = (type: string) => Object.values(security.resource[type] ?? {});

  it("ships the committed handler and the derived policy as a deterministic zip, hashed for Lambda", () => {
    const fn = only("aws_lambda_function")[0]!;
    const zip = readFileSync(join(out, "stacks", "security-eu-west-1", fn.filename as string));
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(["index.mjs", "policy.json"]);
    expect(entries.every((e) => e.time === 0 && e.date === 0x21)).toBe(true);
    expect(entries[0]!.data.equals(handlerSource())).toBe(true);
    expect(JSON.parse(entries[1]!.data.toString("utf8"))).toEqual(JSON.parse(JSON.stringify(brokerPolicyData(org.access!))));
    expect(zip.equals(brokerPackage(org.access!).zip)).toBe(true);
    expect(fn.source_code_hash).toBe(brokerPackage(org.access!).sourceCodeHash);
  });

  it("runs a current Node.js runtime behind an IAM-authenticated function URL, logging to its encrypted, retained group", () => {
    const fn = only("aws_lambda_function")[0]!;
    expect(fn).toMatchObject({ function_name: "org-baseline-access-broker", handler: "index.handler", runtime: "nodejs22.x" });
    expect(fn.role).toMatch(/^\$\{aws_iam_role\.role-access-broker_role_[A-F0-9]+\.arn\}$/);
    expect(only("aws_lambda_function_url")).toEqual([expect.objectContaining({ authorization_type: "AWS_IAM" })]);
    const group = only("aws_cloudwatch_log_group").find((g) => g.name === "/aws/lambda/org-baseline-access-broker")!;
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    expect(group.retention_in_days).toBe(365); // access.broker.retentionDays
    expect(security.output.access_broker_url!.value).toMatch(/aws_lambda_function_url\..*\.function_url/);
  });

  it("lets each requester account call the URL (InvokeFunction only through it), and no other account", () => {
    const permissions = only("aws_lambda_permission").map((p) => ({
      action: p.action,
      principal: p.principal,
      auth: p.function_url_auth_type,
      viaUrl: p.invoked_via_function_url,
    }));
    expect(permissions).toEqual([
      { action: "lambda:InvokeFunction", principal: "555555555555", auth: undefined, viaUrl: true },
      { action: "lambda:InvokeFunctionUrl", principal: "555555555555", auth: "AWS_IAM", viaUrl: undefined },
    ]);
    expect(security.terraform.required_providers.aws.version).toBe(">= 6.29.0, < 7.0.0");
  });

  it("is deployed in the broker's home region only", () => {
    const central = JSON.parse(readFileSync(join(out, "stacks", "security-eu-central-1", "cdk.tf.json"), "utf8")) as { resource: Resources };
    expect(central.resource.aws_lambda_function).toBeUndefined();
    expect(readdirSync(join(out, "stacks", "security-eu-central-1"))).not.toContain("assets");
  });
});
