import { STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/load.js";
import { brokerPolicyData } from "../../modules/broker/asset.js";
import { AUDIT_MARK, createHandler, type BrokerPolicy } from "../../modules/broker/handler/index.mjs";
import { functionUrlEvent, stsStandIn } from "./loopback.js";

/**
 * The handler as deployed (the example organization's derived policy), calling a
 * loopback STS over the real Query protocol with the AWS SDK the Lambda runtime ships.
 */

const BROKER = { accessKeyId: "ASIABROKERSESSION", secretAccessKey: "broker-secret-key-value", sessionToken: "broker-session-token-value" };
const OPERATOR = "arn:aws:iam::555555555555:role/jit/payments-operator";
const ONCALL = "arn:aws:sts::555555555555:assumed-role/payments-oncall/alice@example.com";
const COMMANDER = "arn:aws:sts::222222222222:assumed-role/incident-commander/bob";
const NOW = new Date("2026-11-29T20:00:00Z");

let sts: Awaited<ReturnType<typeof stsStandIn>>;
let policy: BrokerPolicy;
let lines: string[];
let handle: ReturnType<typeof createHandler>;

beforeAll(async () => {
  policy = JSON.parse(JSON.stringify(brokerPolicyData(loadConfig("config/org.yaml").access!))) as BrokerPolicy;
  sts = await stsStandIn(BROKER, [OPERATOR]);
  lines = [];
  handle = createHandler({
    policy,
    sts: new STSClient({ region: "eu-west-1", endpoint: sts.url, credentials: BROKER, maxAttempts: 1 }),
    log: (line) => lines.push(line),
    now: () => NOW,
  });
});

afterAll(() => sts.close());

/** Runs one request; returns the response body, the audit records it wrote and the STS calls it made. */
async function ask(userArn: string, body: unknown, orgId?: string) {
  const [logged, called] = [lines.length, sts.issued.length];
  const res = await handle(functionUrlEvent(userArn, body, orgId), { awsRequestId: "req-1" });
  return {
    status: res.statusCode,
    body: JSON.parse(res.body) as Record<string, unknown>,
    audit: lines.slice(logged).map((l) => JSON.parse(l) as Record<string, any>),
    issued: sts.issued.slice(called),
  };
}

describe("the access broker's handler", () => {
  it("gives a requester in the policy a 900-second session with source identity, declared tags and the session policy", async () => {
    const r = await ask(ONCALL, { account: "payments-prod", role: "payments-operator", ticket: "INC-1234" });
    expect(r.status).toBe(200);
    expect(r.issued).toHaveLength(1);
    const params = r.issued[0]!.params;
    expect(params.get("RoleArn")).toBe(OPERATOR);
    expect(params.get("DurationSeconds")).toBe("900");
    expect(params.get("SourceIdentity")).toBe("alice@example.com");
    expect(params.get("RoleSessionName")).toBe("alice@example.com");
    const tags = Object.fromEntries(
      [1, 2, 3].filter((i) => params.has(`Tags.member.${i}.Key`)).map((i) => [params.get(`Tags.member.${i}.Key`), params.get(`Tags.member.${i}.Value`)]),
    );
    expect(tags).toEqual({ Ticket: "INC-1234", Requester: "alice@example.com" });
    const sessionPolicy = JSON.parse(params.get("Policy")!) as { Statement: Array<{ Action: string[] }> };
    expect(sessionPolicy.Statement[0]!.Action).toContain("ecs:DescribeServices");
    // credential_process format, with exactly what STS issued
    const issued = r.issued[0]!;
    expect(r.body).toEqual({
      Version: 1,
      AccessKeyId: issued.credentials.accessKeyId,
      SecretAccessKey: issued.credentials.secretAccessKey,
      SessionToken: issued.credentials.sessionToken,
      Expiration: issued.expiration,
    });
    expect(r.audit).toHaveLength(1);
    expect(r.audit[0]).toMatchObject({
      audit: AUDIT_MARK,
      decision: "allowed",
      ticket: "INC-1234",
      durationSeconds: 900,
      sourceIdentity: "alice@example.com",
      requester: { arn: ONCALL, accountId: "555555555555", role: "payments-oncall", session: "alice@example.com" },
      target: { account: "payments-prod", role: "payments-operator", roleArn: OPERATOR },
      sessionPolicy: "payments-incident",
      expiration: issued.expiration,
    });
  });

  it("never writes a credential into the audit record", async () => {
    const r = await ask(COMMANDER, { account: "555555555555", role: "payments-operator", ticket: "CHG-7" });
    expect(r.status).toBe(200);
    const { credentials } = r.issued[0]!;
    const written = lines.join("\n");
    for (const secret of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken, BROKER.secretAccessKey, BROKER.sessionToken]) {
      expect(written).not.toContain(secret);
    }
    expect(Object.keys(r.audit[0]!)).not.toEqual(expect.arrayContaining(["AccessKeyId"]));
  });

  it("clamps the duration to [900, maxDuration]", async () => {
    const longer = await ask(ONCALL, { account: "payments-prod", role: "payments-operator", ticket: "INC-1", duration: 43200 });
    expect(longer.issued[0]!.params.get("DurationSeconds")).toBe("900");
    expect(longer.audit[0]).toMatchObject({ requestedDuration: 43200, durationSeconds: 900, clamped: true });
    const shorter = await ask(ONCALL, { account: "payments-prod", role: "payments-operator", ticket: "INC-1", duration: 60 });
    expect(shorter.issued[0]!.params.get("DurationSeconds")).toBe("900");
    expect(shorter.audit[0]).toMatchObject({ durationSeconds: 900, clamped: true });
  });

  it.each([
    [
      "a role outside the policy",
      "arn:aws:sts::555555555555:assumed-role/payments-api/task-1",
      { ticket: "INC-1" },
      /payments-api of account 555555555555 is not a requester of payments-prod\/payments-operator/,
    ],
    ["a missing ticket", ONCALL, {}, /ticket reference is required/],
    ["a ticket off the pattern", ONCALL, { ticket: "JIRA-1" }, /does not match/],
    ["a role the broker does not hand out", ONCALL, { ticket: "INC-1", role: "payments-api" }, /not a role this broker hands out/],
    ["an IAM user", "arn:aws:iam::555555555555:user/alice", { ticket: "INC-1" }, /only role sessions/],
  ])("refuses %s with a reason, calls no STS, and audits the denial", async (_, userArn, extra, reason) => {
    const r = await ask(userArn, { account: "payments-prod", role: "payments-operator", ...extra });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ decision: "denied" });
    expect(String(r.body.reason)).toMatch(reason);
    expect(r.issued).toHaveLength(0);
    expect(r.audit).toHaveLength(1);
    expect(r.audit[0]).toMatchObject({ audit: AUDIT_MARK, decision: "denied", requester: { arn: userArn } });
    expect(String(r.audit[0]!.reason)).toMatch(reason);
  });

  it("refuses a caller from another organization", async () => {
    const r = await ask(ONCALL, { account: "payments-prod", role: "payments-operator", ticket: "INC-1" }, "o-otherorg123");
    expect(r.status).toBe(403);
    expect(String(r.body.reason)).toMatch(/not in organization o-exampleorg1/);
  });

  it("reports an STS refusal as an error, audited, with nothing issued", async () => {
    const broken = {
      ...policy,
      rules: policy.rules.map((rule) => ({ ...rule, target: { ...rule.target, roleArn: "arn:aws:iam::555555555555:role/payments-operator" } })),
    };
    const logged: string[] = [];
    const h = createHandler({
      policy: broken,
      sts: new STSClient({ region: "eu-west-1", endpoint: sts.url, credentials: BROKER, maxAttempts: 1 }),
      log: (l) => logged.push(l),
    });
    const res = await h(functionUrlEvent(ONCALL, { account: "payments-prod", role: "payments-operator", ticket: "INC-1" }));
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ decision: "error" });
    expect(JSON.parse(res.body).reason).toMatch(/AccessDenied/);
    expect(logged.map((l) => JSON.parse(l).decision)).toEqual(["error"]);
  });

  it("answers 400 to a malformed request and audits it", async () => {
    const r = await ask(ONCALL, "{not json");
    expect(r.status).toBe(400);
    expect(r.audit[0]).toMatchObject({ decision: "invalid" });
  });
});

describe("session names", () => {
  it("become a source identity STS accepts and a valid tag value", async () => {
    const { sessionName } = await import("../../modules/broker/handler/index.mjs");
    expect(sessionName("Doe, Jane <jane@example.com>")).toBe("Doe--Jane--jane@example.com-");
    expect(sessionName("x")).toMatch(/^[\w+=.@-]{2}$/);
    expect(sessionName("a".repeat(80))).toHaveLength(64);
  });
});
