import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { stackName } from "../../config/model.js";
import { configRulesDeployedIn } from "../../modules/controls/coverage.js";
import { controlsDeployedIn } from "../../reports/model/declared.js";
import { synthesizeInto } from "../../stacks/synth.js";

/**
 * One decision of which AWS Config rules cover a stack: the rules synthesized into each
 * stack are the ones modules/controls/coverage.ts names, and declared-vs-observed expects
 * on each stack exactly the rules deployed where they evaluate it.
 */

const tmp = mkdtempSync(join(tmpdir(), "baseline-coverage-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const minimal = readFileSync("test/fixtures/minimal.yaml", "utf8");

function synth(mode: "account" | "organization") {
  const org = parseConfig(`${minimal}\ncompliance:\n  config: { rules: { mode: ${mode} } }\n`, `${mode}.yaml`);
  const dir = join(tmp, mode);
  synthesizeInto(org, dir, org.stacks);
  const synthesized = new Map(
    org.stacks.map((s) => {
      const json = JSON.parse(readFileSync(join(dir, "stacks", s.name, "cdk.tf.json"), "utf8")) as {
        resource?: Record<string, Record<string, { name: string }>>;
      };
      const rules = [
        ...Object.values(json.resource?.aws_config_config_rule ?? {}),
        ...Object.values(json.resource?.aws_config_organization_managed_rule ?? {}),
      ];
      return [s.name, rules.map((r) => r.name).sort()];
    }),
  );
  return { org, synthesized };
}

describe.each(["account", "organization"] as const)("Config rules in %s mode", (mode) => {
  const { org, synthesized } = synth(mode);

  it("each stack synthesizes exactly the rules the coverage function deploys there", () => {
    for (const stack of org.stacks) {
      expect(synthesized.get(stack.name), stack.name).toEqual(
        configRulesDeployedIn(org, stack)
          .map((r) => r.rule.name)
          .sort(),
      );
    }
    expect([...synthesized.values()].some((rules) => rules.length > 0)).toBe(true);
  });

  it("declared-vs-observed expects on each stack the rules deployed where they evaluate it", () => {
    for (const stack of org.stacks) {
      const deployer = mode === "account" ? stack.account.name : "security";
      const expected = controlsDeployedIn(org, stack)
        .map((c) => c.configRule!.name)
        .sort();
      expect(expected, stack.name).toEqual(synthesized.get(stackName(deployer, stack.region)));
    }
  });

  it("a rule on global resources covers one region: the deploying account's home region", () => {
    const covering = (name: string) =>
      controlsDeployedIn(
        org,
        org.stacks.find((s) => s.name === name)!,
      ).filter((c) => c.configRule!.global);
    expect(covering("app-prod-eu-west-1").length > 0).toBe(mode === "organization");
    expect(covering("app-prod-eu-central-1").length > 0).toBe(mode === "account");
  });
});
