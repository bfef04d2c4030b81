import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../config/load.js";
import { capabilities } from "../../stacks/capabilities.js";
import { synthesizeAtomically } from "../../stacks/synth.js";
import { runCli, treeHashes } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "baseline-synth-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type TfJson = {
  provider: {
    aws: Array<{
      region: string;
      allowed_account_ids: string[];
      assume_role: Array<{ role_arn: string; session_name: string }>;
      default_tags: Array<{ tags: Record<string, string> }>;
    }>;
  };
  variable: Record<string, { default: string }>;
  terraform: { backend: Record<string, Record<string, unknown>> };
  resource?: Record<string, Record<string, unknown>>;
};

function stackJson(out: string, stack: string): TfJson {
  return JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as TfJson;
}

describe("synthesis of the example organization", () => {
  const org = loadConfig("config/org.yaml");
  const outA = join(tmp, "a");
  const first = runCli(["synth", "--config", "config/org.yaml", "--out", outA]);

  it("synthesizes one stack per account and region, named <account>-<region>", () => {
    expect(first.status).toBe(0);
    const expected = org.config.accounts.flatMap((a) => (a.regions ?? org.config.defaults.regions).map((r) => `${a.name}-${r}`));
    const manifest = JSON.parse(readFileSync(join(outA, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks).sort()).toEqual([...expected].sort());
    expect(first.stdout).toContain(`synthesized ${expected.length} stacks`);
  });

  it("makes each provider assume its own account's deploy role, pinned to that account", () => {
    for (const stack of org.stacks) {
      const json = stackJson(outA, stack.name);
      const [provider] = json.provider.aws;
      expect(provider!.region).toBe(stack.region);
      expect(provider!.allowed_account_ids).toEqual([stack.account.id]);
      expect(provider!.assume_role[0]!.role_arn).toBe("${var.deploy_role_arn}");
      expect(provider!.assume_role[0]!.session_name).toBe("org-baseline");
      expect(json.variable.deploy_role_arn!.default).toBe(`arn:aws:iam::${stack.account.id}:role/OrganizationAccountAccessRole`);
      expect(provider!.default_tags[0]!.tags).toMatchObject({ Environment: stack.account.environment, ManagedBy: "org-baseline", CostCenter: "platform" });
    }
  });

  it("gives every stack its own state key with native locking and encryption", () => {
    const keys = org.stacks.map((stack) => {
      const s3 = stackJson(outA, stack.name).terraform.backend.s3!;
      expect(s3).toMatchObject({ bucket: "example-corp-baseline-tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true });
      expect(s3.key).toBe(`org-baseline/${stack.name}.tfstate`);
      return s3.key;
    });
    expect(new Set(keys).size).toBe(org.stacks.length);
  });

  it("puts account-global (IAM) resources only in each account's home region", () => {
    let iamResources = 0;
    for (const stack of org.stacks) {
      const types = Object.keys(stackJson(outA, stack.name).resource ?? {}).filter((t) => t.startsWith("aws_iam_"));
      if (stack.isHomeRegion) iamResources += types.length;
      else expect(types, `${stack.name} is not ${stack.account.name}'s home region`).toEqual([]);
    }
    expect(iamResources).toBeGreaterThan(0);
  });
});

describe("stack options", () => {
  const base = readFileSync("test/fixtures/minimal.yaml", "utf8");

  it("honours an account's home region and region list", () => {
    const org = parseConfig(base, "minimal.yaml");
    const app = org.stacks.filter((s) => s.account.name === "app-prod");
    expect(app.map((s) => [s.name, s.isHomeRegion])).toEqual([
      ["app-prod-eu-west-1", false],
      ["app-prod-eu-central-1", true],
    ]);
  });

  it("uses one HCP Terraform workspace per stack with an hcp backend", () => {
    const config = join(tmp, "hcp.yaml");
    writeFileSync(config, base.replace(/^backend:.*$/m, "backend: { type: hcp, organization: example, workspacePrefix: baseline- }"));
    const out = join(tmp, "hcp");
    expect(runCli(["synth", "--config", config, "--out", out]).status).toBe(0);
    const cloud = JSON.parse(readFileSync(join(out, "stacks", "security-eu-west-1", "cdk.tf.json"), "utf8")).terraform.cloud;
    expect(cloud).toEqual({ hostname: "app.terraform.io", organization: "example", workspaces: { name: "baseline-security-eu-west-1" } });
  });

  it("reads BASELINE_CONFIG and CDKTF_OUTDIR when run with no arguments, as `cdktf synth` does", () => {
    const out = join(tmp, "cdktf");
    const result = runCli([], { BASELINE_CONFIG: "test/fixtures/minimal.yaml", CDKTF_OUTDIR: out });
    expect(result.status).toBe(0);
    expect(stackJson(out, "app-prod-eu-central-1").provider.aws[0]!.region).toBe("eu-central-1");
  });

  it("leaves the previous output exactly as it was when synthesis fails midway", async () => {
    const org = parseConfig(base, "minimal.yaml");
    const out = join(tmp, "atomic");
    await synthesizeAtomically(org, out);
    const before = treeHashes(out);
    const failing = () => {
      throw new Error("boom while building a stack");
    };
    capabilities.push(failing);
    try {
      // --full: unchanged stacks would otherwise be reused and nothing built.
      await expect(synthesizeAtomically(org, out, { full: true })).rejects.toThrow("boom");
    } finally {
      capabilities.splice(capabilities.indexOf(failing), 1);
    }
    expect(treeHashes(out)).toEqual(before);
  });
});
