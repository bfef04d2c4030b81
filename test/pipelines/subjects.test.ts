import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load.js";
import { identityPlan } from "../../modules/identity-plan.js";
import { pipelineSubjects } from "../../modules/pipeline-subjects.js";
import { exampleOrg, exampleYaml } from "./helpers.js";
import { configIssues } from "../helpers/config.js";

/**
 * The loader's side of OIDC subjects: which form the pipeline roles trust, the ids the
 * immutable form needs, and the `github` roles' subjects (exact strings or structured).
 */

/** `file:line:col path: message` of every problem the loader reports for the example with the keys at `at` replaced. */
function problems(at: string[], changes: Record<string, unknown>): string[] {
  return configIssues(exampleYaml(at, changes)).map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
}

const GITHUB = ["pipelines", "github"];

describe("pipelines.github ids and subjectFormat", () => {
  it("the example (ids, immutable) trusts exactly the immutable subjects", () => {
    const org = exampleOrg();
    const prod = org.accountByName.get("payments-prod")!;
    expect(pipelineSubjects(org.config.pipelines!, prod.environment)).toEqual({
      plan: ["repo:example-corp@81234567/org-baseline-live@1045678901:pull_request"],
      apply: ["repo:example-corp@81234567/org-baseline-live@1045678901:environment:prod"],
    });
  });

  it("without ids, says which form the repository needs and how to find out", () => {
    const out = problems(GITHUB, { ownerId: null, repositoryId: null, subjectFormat: null });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^org\.yaml:\d+:\d+ pipelines\.github\.ownerId: add ownerId and repositoryId \(gh api repos\/example-corp\/org-baseline-live --jq '\.owner\.id, \.id'\)/,
    );
    expect(out[0]).toContain("created, renamed or transferred since 2026-07-15");
    expect(out[0]).toContain("repo:example-corp@OWNER_ID/org-baseline-live@REPO_ID:…");
    expect(out[0]).toContain("set subjectFormat: legacy");
  });

  it("both needs the ids too; one id alone is refused", () => {
    expect(problems(GITHUB, { ownerId: null, repositoryId: null, subjectFormat: "both" })).toEqual([
      expect.stringMatching(/pipelines\.github\.ownerId: subjectFormat both trusts the immutable subject .* add ownerId and repositoryId/),
    ]);
    expect(problems(GITHUB, { repositoryId: null })).toEqual([
      expect.stringMatching(/pipelines\.github\.repositoryId: repositoryId is missing: the immutable OIDC subject names both ids/),
    ]);
  });

  it("legacy needs no ids and trusts only the name-only subjects", () => {
    const org = parseConfig(exampleYaml(GITHUB, { ownerId: null, repositoryId: null, subjectFormat: "legacy" }), "org.yaml");
    expect(pipelineSubjects(org.config.pipelines!, "dev")).toEqual({
      plan: ["repo:example-corp/org-baseline-live:pull_request"],
      apply: ["repo:example-corp/org-baseline-live:environment:dev"],
    });
  });

  it.each([
    ["a quoted id", "81234567", /pipelines\.github\.ownerId: a numeric GitHub id \(digits only, unquoted\)/],
    ["a fraction", 1.5, /pipelines\.github\.ownerId: a numeric GitHub id \(digits only\)/],
    ["a negative number", -3, /pipelines\.github\.ownerId: a numeric GitHub id \(digits only\)/],
  ])("refuses %s as an id", (_, value, message) => {
    expect(problems(GITHUB, { ownerId: value })).toEqual([expect.stringMatching(message)]);
  });

  it("refuses an unknown subjectFormat", () => {
    expect(problems(GITHUB, { subjectFormat: "new" })).toEqual([
      expect.stringMatching(/pipelines\.github\.subjectFormat: expected one of immutable, legacy, both; got "new"/),
    ]);
  });
});

describe("github role subjects", () => {
  /** The example with the payments-deployer role's subjects replaced. */
  function withSubjects(subjects: unknown[]): string[] {
    const org = exampleOrg();
    const accountIndex = org.config.accounts.findIndex((a) => a.roles.some((r) => r.name === "payments-deployer"));
    const roleIndex = org.config.accounts[accountIndex]!.roles.findIndex((r) => r.name === "payments-deployer");
    return problems(["accounts", String(accountIndex), "roles", String(roleIndex)], { subjects });
  }

  it("the example's structured subject renders the immutable and the name-only subject", () => {
    const org = exampleOrg();
    const prod = org.accountByName.get("payments-prod")!;
    const role = identityPlan(org)
      .roles(prod, "arn:aws:iam::555555555555:oidc-provider/token.actions.githubusercontent.com")
      .find((r) => r.config.name === "payments-deployer")!;
    expect(role.trust.Statement[0]!.Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": [
          "repo:example-corp@81234567/payments-service@703456789:environment:prod",
          "repo:example-corp/payments-service:environment:prod",
        ],
      },
    });
  });

  it("accepts the immutable string form", () => {
    expect(withSubjects(["repo:example-corp@81234567/payments-service@703456789:ref:refs/heads/main"])).toEqual([]);
  });

  it.each([
    ["repo:example-corp@abc/payments-service@703456789:pull_request", '"example-corp@abc" is not NAME@ID with a numeric id (digits only)'],
    ["repo:example-corp@81234567/payments-service:pull_request", '"payments-service" is not NAME@ID'],
    ["repo:example-corp@81234567/payments-service@*:pull_request", "has a wildcard"],
  ])("refuses the malformed subject %s", (subject, message) => {
    const out = withSubjects([subject]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/roles\[\d+\]\.subjects\[0\]: OIDC subject/);
    expect(out[0]).toContain(message);
  });

  it("refuses a structured subject naming no job kind or two, and reports a bad id at its field", () => {
    const spec = { repository: "example-corp/payments-service", ownerId: 81234567, repositoryId: 703456789 };
    expect(withSubjects([spec])).toEqual([expect.stringMatching(/subjects\[0\]: name exactly one of environment, branch and pullRequest/)]);
    expect(withSubjects([{ ...spec, branch: "main", pullRequest: true }])).toEqual([
      expect.stringMatching(/subjects\[0\]: name exactly one .* \(got branch and pullRequest\)/),
    ]);
    expect(withSubjects([{ ...spec, ownerId: "81234567x", pullRequest: true }])).toEqual([
      expect.stringMatching(/subjects\[0\]\.ownerId: a numeric GitHub id/),
    ]);
    expect(withSubjects([{ ...spec, repository: "example-corp/*", pullRequest: true }])).toEqual([
      expect.stringMatching(/subjects\[0\]\.repository: OWNER\/REPO, without wildcards/),
    ]);
    expect(withSubjects([42])).toEqual([expect.stringMatching(/subjects\[0\]: expected a string or a mapping, got number 42/)]);
  });
});
