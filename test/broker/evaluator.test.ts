import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseConfig } from "../../config/load.js";
import type { ResolvedOrg } from "../../config/model.js";
import { accessIntents } from "../../modules/access/intents-access.js";
import { deriveIntents, proveIntents, type Intent } from "../../modules/access/intents.js";
import { ask, buildWorld } from "../../modules/access/world.js";
import { readSynthesized } from "../../modules/controls/check.js";
import { setupReminders } from "../../modules/controls/reminders.js";
import type { SynthesizedStack } from "../../modules/controls/types.js";
import { synthesizeInto } from "../../stacks/synth.js";

/**
 * The synthesized broker, its role and its function URL permissions, proven with the
 * access evaluator: the intents of access: hold on the example organization (plus a
 * brokered role that names the broker but that no rule hands out), and break when
 * the synthesized documents are widened.
 */

/** The example with payments-auditor: trusts the broker, yet the broker's role must not reach it. */
function exampleWithUnservedRole(): string {
  const doc = parseDocument(readFileSync("config/org.yaml", "utf8"));
  const roles = doc.getIn(["accounts", 4, "roles"]) as { add(v: unknown): void };
  roles.add(
    doc.createNode({
      name: "payments-auditor",
      kind: "brokered",
      broker: { account: "security", role: "access-broker" },
      managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    }),
  );
  return doc.toString();
}

let org: ResolvedOrg;
let out: string;
let stacks: SynthesizedStack[];
let intents: Intent[];

beforeAll(() => {
  org = parseConfig(exampleWithUnservedRole(), "org.yaml");
  out = mkdtempSync(join(tmpdir(), "broker-proof-"));
  synthesizeInto(org, out);
  stacks = readSynthesized(out);
  intents = accessIntents(org);
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

const BROKER = "arn:aws:iam::222222222222:role/access-broker";
const FUNCTION = "arn:aws:lambda:eu-west-1:222222222222:function:org-baseline-access-broker";
const failures = (world: ReturnType<typeof buildWorld>) =>
  proveIntents(world, intents)
    .filter((r) => !r.passed)
    .map((r) => r.intent.title);

/** A copy of the stacks with `edit` applied to one stack's JSON. */
function mutated(stack: string, edit: (json: SynthesizedStack["json"]) => void): SynthesizedStack[] {
  return stacks.map((s) => {
    if (s.name !== stack) return s;
    const json = structuredClone(s.json);
    edit(json);
    return { ...s, json };
  });
}

describe("access intents proven on the synthesized example", () => {
  it("the whole proof holds with a brokered role no rule hands out, and check warns that nobody can assume it", () => {
    const failing = proveIntents(buildWorld(stacks, org), deriveIntents(org))
      .filter((r) => !r.passed)
      .map((r) => `${r.intent.subject}: ${r.intent.title}`);
    expect(failing).toEqual([]);
    expect(setupReminders(org)).toContainEqual(
      expect.stringContaining("brokered role payments-auditor is handed out by no access rule, so nobody can assume it"),
    );
  });

  it("hold: the broker assumes only what it brokers; only declared requesters call its URL", () => {
    const titles = intents.map((i) => `${i.expect} ${i.title}`);
    expect(titles).toEqual(
      expect.arrayContaining([
        "allow the broker assumes, with a source identity, payments-prod/payments-operator",
        "allow the broker tags (Ticket, Requester) a session of payments-prod/payments-operator",
        "deny the broker cannot assume security/break-glass-admin, which it does not broker",
        "deny the broker cannot assume payments-prod/payments-api, which it does not broker",
        "deny the broker cannot assume payments-prod/payments-auditor, which it does not broker",
        "allow requester arn:aws:iam::555555555555:role/payments-oncall calls the broker's function URL",
        "deny requester arn:aws:iam::555555555555:role/payments-oncall cannot invoke the broker directly (a forged event)",
        "deny payments-prod/payments-api, outside the access policy, cannot call the broker",
        "deny a stranger of shared-services (no requesters there) with lambda:* cannot call the broker",
        "deny a principal of another organization cannot call the broker",
      ]),
    );
    expect(failures(buildWorld(stacks, org))).toEqual([]);
  });

  it("decides by the synthesized documents: the function URL permission of the requester account and the requester's own statement", () => {
    const world = buildWorld(stacks, org);
    const decision = ask(world, {
      principal: { arn: "arn:aws:iam::555555555555:role/payments-oncall" },
      action: "lambda:InvokeFunctionUrl",
      resource: { arn: FUNCTION },
      context: { "lambda:FunctionUrlAuthType": "AWS_IAM" },
    });
    expect(decision.allowed).toBe(true);
    expect(decision.decidedBy.map((d) => d.sid)).toEqual(expect.arrayContaining(["CallAccessBrokerUrl", "FunctionUrl555555555555"]));
  });

  it("fail when the broker's role is widened to every role of an account (the path and name are no longer exact)", () => {
    const widened = mutated("security-eu-west-1", (json) => {
      for (const policy of Object.values(json.resource!.aws_iam_role_policy!)) {
        const doc = String(policy.policy);
        if (doc.includes("BrokerAssumesBrokeredRoles"))
          policy.policy = doc.replace("arn:aws:iam::555555555555:role/jit/payments-operator", "arn:aws:iam::555555555555:role/*");
      }
    });
    // Only the role that trusts the broker becomes reachable: every other role's trust still refuses it.
    expect(failures(buildWorld(widened, org))).toEqual(["the broker cannot assume payments-prod/payments-auditor, which it does not broker"]);
  });

  it("fail when the function URL is opened to an account without requesters", () => {
    const opened = mutated("security-eu-west-1", (json) => {
      json.resource!.aws_lambda_permission!.extra = {
        statement_id: "FunctionUrl444444444444",
        action: "lambda:InvokeFunctionUrl",
        function_name: `\${aws_lambda_function.${Object.keys(json.resource!.aws_lambda_function!)[0]}.function_name}`,
        principal: "444444444444",
        function_url_auth_type: "AWS_IAM",
      };
    });
    expect(failures(buildWorld(opened, org))).toEqual(["a stranger of shared-services (no requesters there) with lambda:* cannot call the broker"]);
  });

  it("are part of the whole proof `baseline check` runs", async () => {
    const { deriveIntents } = await import("../../modules/access/intents.js");
    const all = deriveIntents(org).map((i) => i.title);
    expect(all).toContain("the broker cannot assume security/break-glass-admin, which it does not broker");
    expect(intents.some((i) => i.request.principal.arn === BROKER)).toBe(true);
  });
});
