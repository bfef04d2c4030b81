import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias/index.js";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key/index.js";
import { keyAliasName } from "./naming.js";
import { policyJson, type PolicyDocument } from "./policies/document.js";
import { tagsArg } from "./tags.js";

export interface BaselineKeyProps {
  /** Short name; the alias is `alias/org-baseline/<name>` (see `keyAliasName`). */
  name: string;
  description: string;
  /**
   * Usually from `keyPolicy(...)`. A function is called when the stack is synthesized, so
   * the policy can name what constructs added later create (rotation functions' roles).
   */
  policy: PolicyDocument | (() => PolicyDocument);
  /** Automatic rotation period, 90-2560 days; default 365. */
  rotationPeriodInDays?: number;
  /** Waiting period before deletion, 7-30 days; default 30. */
  deletionWindowInDays?: number;
  tags?: Record<string, string>;
}

export const DEFAULT_ROTATION_DAYS = 365;
export const DEFAULT_DELETION_WINDOW_DAYS = 30;

/**
 * A symmetric customer-managed key with rotation on, its alias and its policy.
 * Never sets `bypass_policy_lockout_safety_check`: KMS then refuses a policy that
 * would lock the account out of its own key.
 */
export class BaselineKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  /** Key ARN (a token until apply). */
  readonly arn: string;
  readonly keyId: string;
  /** `alias/org-baseline/<name>`, known at synth time. */
  readonly aliasName: string;
  readonly aliasArn: string;

  constructor(scope: Construct, id: string, props: BaselineKeyProps) {
    super(scope, id);
    const rotation = props.rotationPeriodInDays ?? DEFAULT_ROTATION_DAYS;
    const deletion = props.deletionWindowInDays ?? DEFAULT_DELETION_WINDOW_DAYS;
    if (!Number.isInteger(rotation) || rotation < 90 || rotation > 2560) throw new Error(`key ${props.name}: rotation period must be 90-2560 days`);
    if (!Number.isInteger(deletion) || deletion < 7 || deletion > 30) throw new Error(`key ${props.name}: deletion window must be 7-30 days`);
    this.aliasName = keyAliasName(props.name);
    this.key = new KmsKey(this, "key", {
      description: props.description,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      rotationPeriodInDays: rotation,
      deletionWindowInDays: deletion,
      policy:
        typeof props.policy === "function"
          ? Lazy.stringValue({ produce: () => policyJson((props.policy as () => PolicyDocument)()) })
          : policyJson(props.policy),
      ...tagsArg(props.tags),
    });
    this.alias = new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
    this.keyId = this.key.keyId;
    this.aliasArn = this.alias.arn;
  }
}
