import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { breakGlassPatterns, brokeredMisusePatterns } from "../../modules/privileged-alarms.js";
import { synthesizeInto } from "../../stacks/synth.js";

/**
 * Terraform itself judges every string the example synthesizes. Without providers
 * (none can be downloaded here), the strings ride in the built-in `terraform_data`
 * resource's `input`, where Terraform parses each as a template just as it would in
 * the real resource. References to the stacks' resources, which do not exist in this
 * provider-free config, are pointed at one stand-in; everything else is kept verbatim.
 */

const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), "baseline-tf-validate-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `${aws_kms_key.k.arn}`, `${data.aws_vpc.v.id}`, `${var.x}`, `${a.b.outputs["K"]}`: a plain reference, not an escaped `$${`. */
const REFERENCE = /(?<!\$)\$\{(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+|\["[^"]*"\]|\[\d+\])*\}/g;
const STAND_IN = "${terraform_data.stand_in.output}";
/** A data source referenced inside a larger expression (a function's argument, as a precondition writes it). */
const NESTED_DATA_REFERENCE = /(?<=\$\{[^}]*)\bdata\.[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+/g;

function stringsOf(value: unknown, into: string[]): string[] {
  if (typeof value === "string") into.push(value.replace(REFERENCE, STAND_IN).replace(NESTED_DATA_REFERENCE, "terraform_data.stand_in.output"));
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, into);
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      into.push(key.replace(REFERENCE, STAND_IN));
      stringsOf(v, into);
    }
  }
  return into;
}

/** `terraform init` and `validate` on a config whose `terraform_data` resources carry these string lists. */
function validate(name: string, lists: Record<string, string[]>): { valid: boolean; diagnostics: string } {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const resources = Object.fromEntries(Object.entries(lists).map(([id, strings]) => [id, { input: strings }]));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ resource: { terraform_data: { stand_in: {}, ...resources } } }));
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  const init = spawnSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, encoding: "utf8", env });
  expect(init.status, init.stderr + init.stdout).toBe(0);
  const result = spawnSync("terraform", ["validate", "-json", "-no-color"], { cwd: dir, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(result.stdout) as { valid: boolean; diagnostics: Array<{ summary: string; detail?: string }> };
  return { valid: report.valid, diagnostics: report.diagnostics.map((d) => `${d.summary}: ${d.detail ?? ""}`).join("\n") };
}

describe.skipIf(!hasTerraform)(hasTerraform ? "terraform validate" : "terraform validate (skipped: terraform is not on PATH)", () => {
  it("accepts every string of every stack of the example", () => {
    const out = join(tmp, "synth");
    synthesizeInto(loadConfig("config/org.yaml"), out);
    const stacks = readdirSync(join(out, "stacks")).sort();
    const lists = Object.fromEntries(
      stacks.map((stack) => [
        `s_${stack.replace(/[^A-Za-z0-9_]/g, "_")}`,
        stringsOf(JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")), []),
      ]),
    );
    // The example carries an IAM policy variable (ABAC), so escaping is exercised, not assumed.
    expect(
      Object.values(lists)
        .flat()
        .some((s) => s.includes("$${aws:PrincipalTag/Project}")),
    ).toBe(true);
    const result = validate("example", lists);
    expect(result.diagnostics).toBe("");
    expect(result.valid).toBe(true);
  });

  it("accepts the privileged-path filters split over many roles", () => {
    const account = (n: number) => String(700000000000 + n);
    const glass = breakGlassPatterns(Array.from({ length: 60 }, (_, n) => `arn:aws:iam::${account(n)}:role/app-break-glass`));
    const brokered = brokeredMisusePatterns(
      Array.from({ length: 60 }, (_, n) => ({
        roleArn: `arn:aws:iam::${account(n)}:role/jit/app-operator`,
        brokerArn: "arn:aws:iam::222222222222:role/access-broker",
      })),
    );
    expect(glass.length + brokered.length).toBeGreaterThan(2);
    const result = validate("privileged-split", { glass, brokered });
    expect(result.diagnostics).toBe("");
    expect(result.valid).toBe(true);
  });

  it("refuses an IAM policy variable written unescaped, so the check above can fail", () => {
    const result = validate("unescaped", { bad: ['{"aws:ResourceTag/Project":"${aws:PrincipalTag/Project}"}'] });
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toMatch(/Extra characters after interpolation expression/);
  });
});
