import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { describeGenerated, generatedStatementsFor } from "../../config/access.js";
import { formatIssue } from "../../config/errors.js";
import { parseConfig } from "../../config/load.js";
import { identityPlan } from "../../modules/identity-plan.js";
import { configIssues } from "../helpers/config.js";

/** `access:` in the example organization, and what the loader refuses about brokers and rules. */

const EXAMPLE = readFileSync("config/org.yaml", "utf8");
const SECURITY = 1;
const PAYMENTS_PROD = 4;

/** The example with `edit` applied to its YAML document (positions stay real). */
function variant(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(EXAMPLE);
  edit(doc);
  return doc.toString();
}

function problems(text: string): string[] {
  const issues = configIssues(text);
  if (issues.length === 0) throw new Error("the config was accepted");
  return issues.map(formatIssue);
}

const brokeredIndex = () => {
  const org = parseConfig(EXAMPLE, "org.yaml");
  return org.config.accounts[PAYMENTS_PROD]!.roles.findIndex((r) => r.name === "payments-operator");
};

describe("access: in the example organization", () => {
  const org = parseConfig(EXAMPLE, "config/org.yaml");
  const access = org.access!;

  it("derives the broker's permission from the rules: exactly the brokered role's ARN, path included, and its own log", () => {
    const statements = generatedStatementsFor(access, "arn:aws:iam::222222222222:role/access-broker");
    expect(statements).toEqual([
      {
        Sid: "BrokerAssumesBrokeredRoles",
        Effect: "Allow",
        Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        Resource: ["arn:aws:iam::555555555555:role/jit/payments-operator"],
      },
      {
        Sid: "BrokerWritesItsLog",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/lambda/org-baseline-access-broker:*",
      },
    ]);
    const role = identityPlan(org)
      .roles(org.accountByName.get("security")!)
      .find((r) => r.config.name === "access-broker")!;
    expect(role.policy?.Statement).toEqual(statements);
  });

  it("resolves requesters by role and by tag, and lets the declared ones call the function URL only", () => {
    expect(access.rules[0]!.requesters).toEqual([
      { accountId: "222222222222", role: "incident-commander" },
      { accountId: "555555555555", role: "payments-oncall" },
    ]);
    const oncall = generatedStatementsFor(access, "arn:aws:iam::555555555555:role/payments-oncall");
    expect(oncall.map((s) => [s.Action, s.Resource])).toEqual([
      ["lambda:InvokeFunctionUrl", "arn:aws:lambda:eu-west-1:222222222222:function:org-baseline-access-broker"],
      ["lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:222222222222:function:org-baseline-access-broker"],
    ]);
    expect(generatedStatementsFor(access, "arn:aws:iam::555555555555:role/payments-api")).toEqual([]);
    expect(access.requesterAccountIds).toEqual(["555555555555"]);
  });

  it("says which statements it generated, and which requesters need them written elsewhere", () => {
    const lines = describeGenerated(access);
    expect(lines).toContain(
      "security/access-broker: BrokerAssumesBrokeredRoles allows sts:AssumeRole, sts:SetSourceIdentity, sts:TagSession on arn:aws:iam::555555555555:role/jit/payments-operator",
    );
    expect(lines.at(-1)).toMatch(/^security\/incident-commander: not declared here; give it lambda:InvokeFunctionUrl and lambda:InvokeFunction/);
  });
});

describe("the loader refuses", () => {
  it("a brokered role naming a broker role that does not exist, with a suggestion", () => {
    const text = variant((d) => d.setIn(["accounts", PAYMENTS_PROD, "roles", brokeredIndex(), "broker", "role"], "acess-broker"));
    const found = problems(text);
    expect(
      found.some((p) =>
        /^org\.yaml:\d+:\d+ accounts\[4\]\.roles\[\d\]\.broker\.role: role "acess-broker" does not exist in account security \(did you mean "access-broker"\?\)/.test(
          p,
        ),
      ),
    ).toBe(true);
  });

  it("a hand-written sts statement on the broker (a literal ARN can carry a wrong path)", () => {
    const text = variant((d) => {
      const roles = d.getIn(["accounts", SECURITY, "roles"]) as { items: Array<{ get(k: string): unknown }> };
      const i = roles.items.findIndex((r) => r.get("name") === "access-broker");
      d.setIn(
        ["accounts", SECURITY, "roles", i, "statements"],
        [{ actions: ["sts:AssumeRole"], resources: ["arn:aws:iam::555555555555:role/payments-operator"] }],
      );
    });
    const found = problems(text);
    expect(
      found.some((p) =>
        /statements\[0\]: access-broker is a broker: its sts:AssumeRole, sts:SetSourceIdentity, sts:TagSession permissions are generated/.test(p),
      ),
    ).toBe(true);
    expect(found.some((p) => /access-broker runs the access broker.*remove statements/.test(p))).toBe(true);
  });

  it.each([
    [
      "a rule for a role that does not exist",
      ["access", "rules", 0, "role", "role"],
      "payments-operater",
      /access\.rules\[0\]\.role\.role: role "payments-operater" does not exist in account payments-prod \(did you mean "payments-operator"\?\)/,
    ],
    [
      "a rule for a role that is not brokered",
      ["access", "rules", 0, "role", "role"],
      "payments-api",
      /payments-api is a service role: the broker hands out only brokered roles/,
    ],
    [
      "a duration above the role's bound",
      ["access", "rules", 0, "maxDuration"],
      3600,
      /maxDuration 3600 s is out of range: .*never above the role's bound of 900 s/,
    ],
    [
      "a ticket pattern that is not a regular expression",
      ["access", "rules", 0, "ticket", "pattern"],
      "^(INC-[0-9]+$",
      /ticket\.pattern: not a valid regular expression/,
    ],
    [
      "an unknown session policy",
      ["access", "rules", 0, "sessionPolicy"],
      "payments-incidnet",
      /no session policy "payments-incidnet" in access\.sessionPolicies \(did you mean "payments-incident"\?\)/,
    ],
    [
      "requester tags no declared role carries",
      ["access", "rules", 0, "requesters", "tags"],
      { OnCall: "nobody" },
      /requesters\.tags: no declared role carries these tags/,
    ],
    ["a broker that is not declared", ["access", "broker", "role"], "broker", /access\.broker\.role: role "broker" does not exist in account security/],
    [
      "audit records kept under the environment's minimum",
      ["access", "broker", "retentionDays"],
      60,
      /access\.broker\.retentionDays: 60 days is under the security minimum of 90/,
    ],
  ])("%s", (_, path, value, message) => {
    const found = problems(variant((d) => d.setIn(path, value)));
    expect(
      found.some((p) => message.test(p)),
      found.join("\n"),
    ).toBe(true);
  });
});
