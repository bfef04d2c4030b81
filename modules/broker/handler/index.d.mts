// Types of the broker's handler (index.mjs), for the package's TypeScript and tests.

export const AUDIT_MARK: "org-baseline-access";

export interface BrokerRule {
  target: { accountId: string; accountName: string; role: string; roleArn: string; sessionTags: string[] };
  requesters: Array<{ accountId: string; role: string }>;
  maxDurationSeconds: number;
  ticket: { required: boolean; pattern?: string };
  sessionPolicy?: { name: string; document: unknown };
}

export interface BrokerPolicy {
  version: number;
  organizationId: string;
  rules: BrokerRule[];
}

export interface Caller {
  arn: string;
  type: "role" | "user" | "root";
  accountId?: string;
  role?: string;
  session?: string;
  principalOrgId?: string;
}

export interface AccessRequestBody {
  account: string;
  role: string;
  ticket?: string;
  duration?: number;
}

export type Decision =
  | { allowed: false; reason: string; rule?: BrokerRule }
  | {
      allowed: true;
      reason: string;
      rule: BrokerRule;
      durationSeconds: number;
      clamped: boolean;
      sourceIdentity: string;
      sessionTags: Array<{ Key: string; Value: string }>;
    };

export function callerOf(event: unknown): Caller | undefined;
export function requestOf(event: unknown): AccessRequestBody | string;
export function decide(policy: BrokerPolicy, caller: Caller | undefined, request: AccessRequestBody): Decision;
export function sessionName(name: string): string;

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function createHandler(parts: {
  policy: BrokerPolicy;
  sts: { send(command: unknown): Promise<any> };
  log: (line: string) => void;
  now?: () => Date;
}): (event: unknown, context?: { awsRequestId?: string }) => Promise<FunctionUrlResult>;

export function handler(event: unknown, context?: { awsRequestId?: string }): Promise<FunctionUrlResult>;
