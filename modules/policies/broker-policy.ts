import type { Statement } from "./document.js";

/**
 * The just-in-time access broker's policies as values: what its role may do (assume
 * exactly the brokered roles it serves, write its own log), and what a requester
 * needs to call its function URL. The loader derives them from `access:`.
 */

/** What the broker does with a brokered role: assume it, name the requester, tag the session. */
export const BROKER_STS_ACTIONS = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];

export function brokerFunctionArn(region: string, accountId: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
}

/** Lambda writes a function's output to `/aws/lambda/<function>`; the baseline creates it encrypted and retained. */
export function brokerLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export interface BrokerRoleInput {
  /** Exact ARNs (path included) of the brokered roles the access policy lets it hand out. */
  brokeredRoleArns: string[];
  region: string;
  accountId: string;
  functionName: string;
}

/** The broker role's whole permission: nothing but these two statements. */
export function brokerRoleStatements(input: BrokerRoleInput): Statement[] {
  if (input.brokeredRoleArns.length === 0) throw new Error("a broker must serve at least one brokered role");
  return [
    { Sid: "BrokerAssumesBrokeredRoles", Effect: "Allow", Action: [...BROKER_STS_ACTIONS], Resource: [...input.brokeredRoleArns] },
    {
      Sid: "BrokerWritesItsLog",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `arn:aws:logs:${input.region}:${input.accountId}:log-group:${brokerLogGroupName(input.functionName)}:*`,
    },
  ];
}

/**
 * A requester's right to call the broker: its function URL (IAM-authenticated), and
 * since October 2025 also lambda:InvokeFunction, only through that URL.
 */
export function requesterStatements(functionArn: string): Statement[] {
  return [
    {
      Sid: "CallAccessBrokerUrl",
      Effect: "Allow",
      Action: "lambda:InvokeFunctionUrl",
      Resource: functionArn,
      Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
    },
    {
      Sid: "InvokeAccessBrokerViaUrl",
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      Resource: functionArn,
      Condition: { Bool: { "lambda:InvokedViaFunctionUrl": true } },
    },
  ];
}
