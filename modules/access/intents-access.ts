import type { ResolvedOrg } from "../../config/model.js";
import type { AccessRequest, NamedPolicy } from "./evaluate.js";
import { outsiderAccount, OUTSIDER, PROOF_OUTSIDER_ORG, strangerArn, type Intent } from "./intents.js";

/**
 * Intents of just-in-time access (`access:`): the broker's role assumes exactly the
 * brokered roles it hands out, with a source identity and declared tags, and nothing
 * else; the requesters the config declares may call its function URL (and invoke it
 * only through the URL); other declared roles, strangers of accounts without
 * requesters and other organizations may not. Whether a caller that IAM lets through
 * gets a session is the broker's own decision (test/broker/handler.test.ts).
 */

const LAMBDA_ANYTHING: readonly NamedPolicy[] = [
  { name: "stranger's identity policy (lambda:*)", document: { Statement: [{ Sid: "Broad", Effect: "Allow", Action: "lambda:*", Resource: "*" }] } },
];

export function accessIntents(org: ResolvedOrg): Intent[] {
  const access = org.access;
  if (!access) return [];
  const { broker } = access;
  const out: Intent[] = [];

  const brokerSubject = `${broker.accountName}/role/${broker.roleName}`;
  const assume = (arn: string, action: string, context: AccessRequest["context"]): AccessRequest => ({
    principal: { arn: broker.roleArn },
    action,
    resource: { arn },
    context,
  });
  const served = [...new Map(access.rules.map((r) => [r.target.roleArn, r.target])).values()];
  const sourceIdentity = { "sts:SourceIdentity": "jane@example.com" };
  for (const target of served) {
    const title = (what: string) => `the broker ${what} ${target.accountName}/${target.role}`;
    out.push({
      subject: brokerSubject,
      title: title("assumes, with a source identity,"),
      expect: "allow",
      request: assume(target.roleArn, "sts:AssumeRole", sourceIdentity),
    });
    out.push({
      subject: brokerSubject,
      title: title("sets the source identity on"),
      expect: "allow",
      request: assume(target.roleArn, "sts:SetSourceIdentity", sourceIdentity),
    });
    if (target.sessionTags.length > 0) {
      out.push({
        subject: brokerSubject,
        title: title(`tags (${target.sessionTags.join(", ")}) a session of`),
        expect: "allow",
        request: assume(target.roleArn, "sts:TagSession", { ...sourceIdentity, "aws:TagKeys": target.sessionTags }),
      });
    }
  }
  const servedArns = new Set(served.map((t) => t.roleArn));
  for (const account of org.accounts) {
    for (const role of account.roles) {
      const arn = role.arn;
      if (servedArns.has(arn) || arn === broker.roleArn) continue;
      out.push({
        subject: brokerSubject,
        title: `the broker cannot assume ${account.name}/${role.name}, which it does not broker`,
        expect: "deny",
        request: assume(arn, "sts:AssumeRole", { ...sourceIdentity, "aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 60 }),
      });
    }
  }

  const fnSubject = `${broker.accountName}/function/${broker.functionName}`;
  const viaUrl = { "lambda:FunctionUrlAuthType": "AWS_IAM" };
  const call = (principal: AccessRequest["principal"]): AccessRequest => ({
    principal,
    action: "lambda:InvokeFunctionUrl",
    resource: { arn: broker.functionArn },
    context: viaUrl,
  });
  const invoke = (principal: AccessRequest["principal"], throughUrl: boolean): AccessRequest => ({
    principal,
    action: "lambda:InvokeFunction",
    resource: { arn: broker.functionArn },
    context: { "lambda:InvokedViaFunctionUrl": throughUrl },
  });
  const requesters = new Set(access.generated.filter((g) => g.statement.Action === "lambda:InvokeFunctionUrl").map((g) => g.roleArn));
  for (const arn of [...requesters].sort()) {
    out.push({ subject: fnSubject, title: `requester ${arn} calls the broker's function URL`, expect: "allow", request: call({ arn }) });
    out.push({ subject: fnSubject, title: `requester ${arn} invokes the broker through its URL`, expect: "allow", request: invoke({ arn }, true) });
    out.push({
      subject: fnSubject,
      title: `requester ${arn} cannot invoke the broker directly (a forged event)`,
      expect: "deny",
      request: invoke({ arn }, false),
    });
  }
  // In the broker's own account IAM alone decides (a same-account caller needs no
  // resource policy), and break-glass roles may carry AdministratorAccess: both can
  // reach the URL, and the handler refuses them, so they are not intents here.
  const requesterAccounts = new Set(access.rules.flatMap((r) => r.requesters.map((q) => q.accountId)));
  for (const account of org.accounts) {
    if (account.id === broker.accountId) continue;
    if (requesterAccounts.has(account.id)) {
      for (const role of account.roles) {
        const arn = role.arn;
        if (requesters.has(arn) || role.kind === "break-glass") continue;
        out.push({
          subject: fnSubject,
          title: `${account.name}/${role.name}, outside the access policy, cannot call the broker`,
          expect: "deny",
          request: call({ arn }),
        });
      }
    } else {
      out.push({
        subject: fnSubject,
        title: `a stranger of ${account.name} (no requesters there) with lambda:* cannot call the broker`,
        expect: "deny",
        request: call({ arn: strangerArn(account.id) }),
        options: { identity: LAMBDA_ANYTHING },
      });
    }
  }
  const outsider = outsiderAccount(org);
  out.push({
    subject: fnSubject,
    title: "a principal of another organization cannot call the broker",
    expect: "deny",
    request: call({ arn: `arn:aws:iam::${outsider}:role/proof/outsider`, orgId: PROOF_OUTSIDER_ORG }),
    options: { identity: OUTSIDER },
  });
  return out;
}
