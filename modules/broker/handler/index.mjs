// The just-in-time access broker: an AWS Lambda handler behind a function URL with
// AWS_IAM auth, shipped as-is in the deployed zip next to policy.json (the access
// policy the baseline derived from config). Plain JavaScript with no dependencies
// beyond the AWS SDK the Node.js runtime provides, so the asset needs no build.
//
// It never writes or logs a credential: the audit record is built from the request
// and the decision only, and the session goes back in the response body alone.

import { readFileSync } from "node:fs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

export const AUDIT_MARK = "org-baseline-access";
/** STS's shortest session. */
const MIN_DURATION = 900;
// STS allows [\w+=,.@-] in source identities and session names; no comma, so the name is also a valid tag value (Requester).
const SESSION_NAME = /[^\w+=.@-]/g;
const TICKET = /^[\p{L}\p{N} _.:/=+\-@]{1,128}$/u;

/** The caller of a function URL with AWS_IAM auth, from the request context Lambda fills in. */
export function callerOf(event) {
  const iam = event?.requestContext?.authorizer?.iam;
  if (!iam || typeof iam.userArn !== "string") return undefined;
  const session = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(iam.userArn);
  const base = { arn: iam.userArn, principalOrgId: iam.principalOrgId ?? undefined };
  if (session) return { ...base, type: "role", accountId: session[1], role: session[2], session: session[3] };
  const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(iam.userArn);
  return { ...base, type: /:root$/.test(iam.userArn) ? "root" : "user", accountId: account?.[1] };
}

/** Parses the request body `{ account, role, ticket?, duration? }`; a string says what is wrong. */
export function requestOf(event) {
  if ((event?.requestContext?.http?.method ?? "POST") !== "POST") return "send a POST request";
  let body;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
    body = JSON.parse(raw);
  } catch {
    return "the body must be JSON: { account, role, ticket?, duration? }";
  }
  if (typeof body !== "object" || body === null) return "the body must be a JSON object";
  const { account, role, ticket, duration } = body;
  if (typeof account !== "string" || !/^[a-z0-9-]{2,41}$/.test(account)) return "account: an account name or 12-digit id";
  if (typeof role !== "string" || !/^[\w+=,.@-]{1,64}$/.test(role)) return "role: a role name";
  if (ticket !== undefined && (typeof ticket !== "string" || !TICKET.test(ticket))) return "ticket: 1-128 letters, digits, spaces and _.:/=+-@";
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 1)) return "duration: a whole number of seconds";
  return { account, role, ticket, duration };
}

/**
 * The decision, from the access policy alone: the first rule for the requested role
 * that names the caller decides; its ticket rule must hold; the duration is clamped
 * to [900, maxDuration].
 */
export function decide(policy, caller, request) {
  if (!caller || caller.type !== "role") {
    return { allowed: false, reason: "only role sessions may request access (not IAM users or root)" };
  }
  if (caller.principalOrgId !== policy.organizationId) {
    return { allowed: false, reason: `the caller is not in organization ${policy.organizationId}` };
  }
  const forRole = policy.rules.filter(
    (r) => r.target.role === request.role && (r.target.accountId === request.account || r.target.accountName === request.account),
  );
  if (forRole.length === 0) return { allowed: false, reason: `${request.account}/${request.role} is not a role this broker hands out` };
  const rule = forRole.find((r) => r.requesters.some((q) => q.accountId === caller.accountId && q.role === caller.role));
  if (!rule) {
    return { allowed: false, reason: `role ${caller.role} of account ${caller.accountId} is not a requester of ${forRole[0].target.accountName}/${request.role}` };
  }
  if (request.ticket === undefined && rule.ticket.required) return { allowed: false, rule, reason: "a ticket reference is required (--ticket)" };
  if (request.ticket !== undefined && rule.ticket.pattern !== undefined && !new RegExp(rule.ticket.pattern, "u").test(request.ticket)) {
    return { allowed: false, rule, reason: `ticket ${JSON.stringify(request.ticket)} does not match ${rule.ticket.pattern}` };
  }
  const asked = request.duration ?? rule.maxDurationSeconds;
  const durationSeconds = Math.min(Math.max(asked, MIN_DURATION), rule.maxDurationSeconds);
  const sourceIdentity = sessionName(caller.session);
  const values = { Ticket: request.ticket, Requester: sourceIdentity, RequesterAccount: caller.accountId, RequesterRole: caller.role };
  const sessionTags = rule.target.sessionTags.filter((k) => values[k] !== undefined).map((Key) => ({ Key, Value: values[Key] }));
  return {
    allowed: true,
    rule,
    reason: `${caller.role} of ${caller.accountId} is a requester of ${rule.target.accountName}/${rule.target.role}`,
    durationSeconds,
    clamped: durationSeconds !== asked,
    sourceIdentity,
    sessionTags,
  };
}

/** A requester's session name as STS accepts it for a source identity, session name and tag value (2-64 of [\w+=.@-]). */
export function sessionName(name) {
  const clean = String(name).replace(SESSION_NAME, "-").slice(0, 64);
  return clean.length >= 2 ? clean : `${clean}--`.slice(0, 2);
}

const json = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
});

/** A handler over injected parts, so tests run it against a loopback STS. */
export function createHandler({ policy, sts, log, now = () => new Date() }) {
  return async (event, context) => {
    const caller = callerOf(event);
    const request = requestOf(event);
    const audit = {
      audit: AUDIT_MARK,
      time: now().toISOString(),
      requestId: context?.awsRequestId,
      requester: caller ? { arn: caller.arn, accountId: caller.accountId, role: caller.role, session: caller.session, principalOrgId: caller.principalOrgId } : undefined,
      sourceIp: event?.requestContext?.http?.sourceIp,
    };
    const record = (fields) => log(JSON.stringify({ ...audit, ...fields }));

    if (typeof request === "string") {
      record({ decision: "invalid", reason: request });
      return json(400, { decision: "invalid", reason: request });
    }
    const target = { account: request.account, role: request.role };
    const decision = decide(policy, caller, request);
    const asked = { target, ticket: request.ticket, requestedDuration: request.duration };
    if (!decision.allowed) {
      record({ ...asked, decision: "denied", reason: decision.reason });
      return json(403, { decision: "denied", reason: decision.reason });
    }
    const { rule } = decision;
    const granted = {
      ...asked,
      target: { ...target, roleArn: rule.target.roleArn },
      durationSeconds: decision.durationSeconds,
      clamped: decision.clamped,
      sourceIdentity: decision.sourceIdentity,
      sessionTags: decision.sessionTags,
      sessionPolicy: rule.sessionPolicy?.name,
    };
    let out;
    try {
      out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: rule.target.roleArn,
          RoleSessionName: decision.sourceIdentity,
          DurationSeconds: decision.durationSeconds,
          SourceIdentity: decision.sourceIdentity,
          ...(decision.sessionTags.length > 0 ? { Tags: decision.sessionTags } : {}),
          ...(rule.sessionPolicy ? { Policy: JSON.stringify(rule.sessionPolicy.document) } : {}),
        }),
      );
    } catch (err) {
      // STS errors name the failure, never a credential.
      const reason = `STS refused AssumeRole: ${err?.name ?? "Error"}: ${err?.message ?? ""}`.trim();
      record({ ...granted, decision: "error", reason });
      return json(502, { decision: "error", reason });
    }
    const c = out.Credentials;
    const expiration = c.Expiration instanceof Date ? c.Expiration.toISOString() : String(c.Expiration);
    record({ ...granted, decision: "allowed", reason: decision.reason, expiration, assumedRole: out.AssumedRoleUser?.Arn });
    return json(200, { Version: 1, AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: expiration });
  };
}

let deployed;

/** The Lambda entry point: the policy shipped next to this file, the runtime's STS client, stdout as the audit log. */
export async function handler(event, context) {
  deployed ??= createHandler({
    policy: JSON.parse(readFileSync(new URL("./policy.json", import.meta.url), "utf8")),
    sts: new STSClient({}),
    // Unprefixed lines, so the log group's metric filters read each record as JSON.
    log: (line) => process.stdout.write(`${line}\n`),
  });
  return deployed(event, context);
}
