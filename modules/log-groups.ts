import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { BaselineKey } from "./kms-key.js";
import { byCodePoint } from "./order.js";
import { keyPolicy, logsServiceUsers } from "./policies/key-policy.js";
import type { PolicyDocument } from "./policies/document.js";
import { tagsArg } from "./tags.js";

export interface LogGroupSpec {
  name: string;
  retentionDays: number;
  tags?: Record<string, string>;
}

export interface LogGroupsProps {
  accountId: string;
  region: string;
  /** Short key name: alias `alias/org-baseline/<keyName>`. */
  keyName: string;
  groups: LogGroupSpec[];
}

/**
 * The account-region logs key policy: the account root (lockout safety) and CloudWatch
 * Logs of this region, only for log groups of this account and region (encryption
 * context), and only on this account's behalf where the service names it.
 */
export function logsKeyPolicy(accountId: string, region: string): PolicyDocument {
  return keyPolicy({ accountId, serviceUsers: logsServiceUsers(region, accountId) });
}

/** Terraform-id-safe and unique form of a log group name. */
function idOf(name: string): string {
  return `group-${name.replace(/^\/+/, "").replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** Log groups of one account-region, each with its retention and encrypted with the account's logs key. */
export class LogGroups extends Construct {
  readonly key: BaselineKey;
  readonly groups: CloudwatchLogGroup[];

  constructor(scope: Construct, id: string, props: LogGroupsProps) {
    super(scope, id);
    this.key = new BaselineKey(this, "key", {
      name: props.keyName,
      description: `CloudWatch Logs encryption for ${props.accountId} in ${props.region} (org-baseline)`,
      policy: logsKeyPolicy(props.accountId, props.region),
    });
    const sorted = [...props.groups].sort((a, b) => byCodePoint(a.name, b.name));
    this.groups = sorted.map(
      (group) =>
        new CloudwatchLogGroup(this, idOf(group.name), {
          name: group.name,
          retentionInDays: group.retentionDays,
          kmsKeyId: this.key.arn,
          ...tagsArg(group.tags),
        }),
    );
  }
}
