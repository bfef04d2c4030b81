import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { stackName } from "../../config/model.js";
import { synthesizeInto } from "../../stacks/synth.js";
import { configIssues } from "../helpers/config.js";

/**
 * Security Hub members are created from the security account, region by region, in both
 * Config rule modes: every account-region of the organization is a member, and a region the
 * security account lacks is refused (never silently left without membership).
 */

const tmp = mkdtempSync(join(tmpdir(), "baseline-hub-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const minimal = readFileSync("test/fixtures/minimal.yaml", "utf8");
const withMode = (yaml: string, mode: string) => `${yaml}\ncompliance:\n  config: { rules: { mode: ${mode} } }\n`;
/** app-prod also uses us-east-1, which the security account (eu-west-1, eu-central-1) does not. */
const wider = minimal.replace("homeRegion: eu-central-1 }", "homeRegion: eu-central-1, regions: [eu-west-1, eu-central-1, us-east-1] }");

function problems(text: string): string[] {
  return configIssues(text).map((i) => `${i.path}: ${i.message}`);
}

describe("Security Hub membership in every region", () => {
  it("account mode: every member account-region is a member of the security account's hub in that region", () => {
    const org = parseConfig(withMode(minimal, "account"), "account.yaml");
    const dir = join(tmp, "account");
    synthesizeInto(org, dir, org.stacks);
    const membersIn = (stack: string) => {
      const json = JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        resource?: { aws_securityhub_member?: Record<string, { account_id: string }> };
      };
      return Object.values(json.resource?.aws_securityhub_member ?? {})
        .map((m) => m.account_id)
        .sort();
    };
    for (const region of org.regions) {
      const expected = org.accounts
        .filter((a) => a.role !== "security" && a.regions.includes(region))
        .map((a) => a.id)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(membersIn(stackName("security", region)), region).toEqual(expected);
    }
  });

  it("account mode refuses a member region the security account lacks, as organization mode does", () => {
    expect(problems(withMode(wider, "account"))).toEqual([
      "accounts[2].regions: us-east-1 would get no Security Hub membership (the security account adds members only in its own regions): add the region(s) to the security account security",
    ]);
    expect(problems(withMode(wider, "organization"))).toEqual([
      "accounts[2].regions: us-east-1 would get no organization Config rules: add the region(s) to the security account security",
    ]);
    const covered = wider.replace(
      "role: security, environment: security, ou: /Security }",
      "role: security, environment: security, ou: /Security, regions: [eu-west-1, eu-central-1, us-east-1] }",
    );
    expect(problems(withMode(covered, "account"))).toEqual([]);
  });
});
