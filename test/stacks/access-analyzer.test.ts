import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { activeControls } from "../../modules/controls/active.js";
import { evaluate } from "../../modules/controls/check.js";
import type { SynthesizedStack } from "../../modules/controls/types.js";
import { synthesizeInto } from "../../stacks/synth.js";

const tmp = mkdtempSync(join(tmpdir(), "baseline-analyzer-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const minimal = readFileSync("test/fixtures/minimal.yaml", "utf8");

type Analyzer = { analyzer_name: string; type: string; configuration?: { unused_access: { unused_access_age: number } } };

/** Synthesizes the minimal organization plus `compliance` and returns its stacks as `baseline check` reads them. */
function synth(name: string, compliance: string): SynthesizedStack[] {
  const org = parseConfig(`${minimal}\ncompliance:\n${compliance}`, `${name}.yaml`);
  const dir = join(tmp, name);
  synthesizeInto(org, dir, org.stacks);
  return org.stacks.map((s) => ({ name: s.name, json: JSON.parse(readFileSync(join(dir, "stacks", s.name, "cdk.tf.json"), "utf8")) }));
}

const analyzers = (stack: SynthesizedStack | undefined) => Object.values(stack?.json.resource?.aws_accessanalyzer_analyzer ?? {}) as unknown as Analyzer[];
const byName = (stacks: SynthesizedStack[], name: string) => stacks.find((s) => s.name === name);
const analyzerControls = (stacks: SynthesizedStack[], compliance: Parameters<typeof activeControls>[0]) =>
  evaluate(
    stacks,
    activeControls(compliance).filter((a) => a.control.id.startsWith("ACCESS-ANALYZER-")),
  );

describe("IAM Access Analyzer", () => {
  it("the security account gets an organization external-access analyzer in every region, the unused-access one in its home region, and is delegated administrator", () => {
    const stacks = synth("unused", "  accessAnalyzer: { unusedAccess: { trackingPeriodDays: 30 } }");
    expect(analyzers(byName(stacks, "security-eu-west-1"))).toEqual(
      [
        { analyzer_name: "org-baseline-external-access", type: "ORGANIZATION" },
        { analyzer_name: "org-baseline-unused-access", type: "ORGANIZATION_UNUSED_ACCESS", configuration: { unused_access: { unused_access_age: 30 } } },
      ].map((a) => expect.objectContaining(a)),
    );
    expect(analyzers(byName(stacks, "security-eu-central-1"))).toEqual([expect.objectContaining({ type: "ORGANIZATION" })]);
    for (const s of stacks.filter((s) => !s.name.startsWith("security-"))) expect(analyzers(s), s.name).toEqual([]);
    const delegated = Object.values(byName(stacks, "management-eu-west-1")!.json.resource!.aws_organizations_delegated_administrator!);
    expect(delegated).toContainEqual(expect.objectContaining({ account_id: "222222222222", service_principal: "access-analyzer.amazonaws.com" }));

    const org = parseConfig(`${minimal}\ncompliance:\n  accessAnalyzer: { unusedAccess: { trackingPeriodDays: 30 } }`, "unused.yaml");
    expect(analyzerControls(stacks, org.config.compliance).passed).toBe(true);
  });

  it("without unusedAccess there is no unused-access analyzer; excluding ACCESS-ANALYZER-EXTERNAL creates none, and check does not ask for it", () => {
    const none = synth("default", "  securityHub: { standards: [fsbp] }");
    expect(analyzers(byName(none, "security-eu-west-1")).map((a) => a.type)).toEqual(["ORGANIZATION"]);

    const compliance = `  config: { rules: { exclude: [{ control: ACCESS-ANALYZER-EXTERNAL, reason: "The landing zone runs its own analyzers (SEC-310)" }] } }`;
    const excluded = synth("excluded", compliance);
    for (const s of excluded) expect(analyzers(s), s.name).toEqual([]);
    const org = parseConfig(`${minimal}\ncompliance:\n${compliance}`, "excluded.yaml");
    expect(analyzerControls(excluded, org.config.compliance).passed).toBe(true);
  });

  it("check fails a security stack that lost its analyzer, and a management stack that stopped delegating the service", () => {
    const stacks = synth("broken", "  accessAnalyzer: { unusedAccess: {} }");
    delete byName(stacks, "security-eu-central-1")!.json.resource!.aws_accessanalyzer_analyzer;
    const delegations = byName(stacks, "management-eu-west-1")!.json.resource!.aws_organizations_delegated_administrator!;
    for (const [key, d] of Object.entries(delegations)) if (d.service_principal === "access-analyzer.amazonaws.com") delete delegations[key];
    const org = parseConfig(`${minimal}\ncompliance:\n  accessAnalyzer: { unusedAccess: {} }`, "broken.yaml");
    const result = analyzerControls(stacks, org.config.compliance);
    expect(result.findings.map((f) => [f.control, f.stack])).toEqual([
      ["ACCESS-ANALYZER-EXTERNAL", "management-eu-west-1"],
      ["ACCESS-ANALYZER-EXTERNAL", "security-eu-central-1"],
    ]);
  });
});
