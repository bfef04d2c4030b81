import { writeAwsCliExports } from "./export-cli.js";
import { generateOrg, type OrgSpec } from "./org.js";

/**
 * The sample exports behind `npm run report:demo` (reports/demo/aws-cli/): a small
 * organization with attacker-controlled strings, so escaping is visible in the scorecard.
 * Regenerate with `UPDATE_DEMO=1 npx vitest run test/report/collect-demo.test.ts`.
 */
export const DEMO_DIR = "reports/demo/aws-cli";

export const DEMO_SPEC: OrgSpec = {
  seed: 2045,
  accounts: 8,
  rules: 12,
  regions: ["eu-west-1", "us-east-1"],
  securityHubControls: 10,
  hostile: true,
  largeCell: true,
};

export function writeDemoExports(dir: string): string[] {
  return writeAwsCliExports(generateOrg(DEMO_SPEC), dir);
}
