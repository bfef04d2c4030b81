import { byCodePoint } from "../order.js";
import { bySid, policyDocument, sidPart, uniqueSids, type Conditions, type PolicyDocument, type Statement } from "./document.js";
import { SECRET_READ_ACTIONS } from "./identity-policy.js";
import { accountRoot, principalsByAccount } from "./principals.js";

/**
 * Secrets Manager resource policies: allow the named readers, deny every other
 * principal reading or changing the value, keeping the account's administration
 * path (its deploy role and root) and the rotation function's role.
 */

/** Readers matched by ABAC: principals of these accounts carrying all these tags. */
export interface TagReaders {
  tags: Record<string, string>;
  accountIds: string[];
}

export interface SecretPolicyInput {
  accountId: string;
  organizationId: string;
  /** Exact reader role ARNs, in this or other accounts of the organization. */
  readerArns: string[];
  tagReaders?: TagReaders[];
  /** Administration path (e.g. the deploy role); the account root is always added. */
  administratorArns: string[];
  /** Roles of the rotation functions; may be Terraform references resolved at apply. */
  rotationRoleArns?: string[];
}

/** Writing the value: only rotation (and administrators putting a value out of band) may. */
export const SECRET_VALUE_WRITE_ACTIONS = [
  "secretsmanager:PutSecretValue",
  "secretsmanager:RotateSecret",
  "secretsmanager:UpdateSecret",
  "secretsmanager:UpdateSecretVersionStage",
];

export const SECRET_POLICY_ACTIONS = ["secretsmanager:DeleteResourcePolicy", "secretsmanager:PutResourcePolicy"];

export function secretPolicy(input: SecretPolicyInput): PolicyDocument {
  const statements: Statement[] = [];
  const readers = input.readerArns.length > 0 ? principalsByAccount(input.readerArns) : undefined;
  if (readers) {
    statements.push({
      Sid: "NamedReaders",
      Effect: "Allow",
      Principal: { AWS: readers.roots },
      Action: SECRET_READ_ACTIONS,
      Resource: "*",
      Condition: { ArnEquals: { "aws:PrincipalArn": readers.arns }, StringEquals: { "aws:PrincipalOrgID": input.organizationId } },
    });
  }
  const tagReaders = input.tagReaders ?? [];
  const tagStatements: Statement[] = [];
  for (const group of tagReaders) {
    const tags = Object.entries(group.tags).sort(([x], [y]) => byCodePoint(x, y));
    if (tags.length === 0 || group.accountIds.length === 0) throw new Error("an ABAC reader needs tags and accounts");
    const equals: Record<string, string> = { "aws:PrincipalOrgID": input.organizationId };
    for (const [key, value] of tags) equals[`aws:PrincipalTag/${key}`] = value;
    tagStatements.push({
      Sid: `TagReaders${sidPart(tags.flat().join("-"))}`,
      Effect: "Allow",
      Principal: { AWS: [...new Set(group.accountIds)].sort().map(accountRoot) },
      Action: SECRET_READ_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: equals },
    });
  }
  statements.push(...bySid(uniqueSids(tagStatements)));

  const rotation = input.rotationRoleArns ?? [];
  const admins = [accountRoot(input.accountId), ...input.administratorArns];
  // AWS services acting on their own (replication, rotation scheduling) carry no principal ARN; the denies leave them be.
  const notService = { BoolIfExists: { "aws:PrincipalIsAWSService": false } };
  const readDeny: Conditions = { ...notService, ArnNotEquals: { "aws:PrincipalArn": [...(readers?.arns ?? []), ...rotation] } };
  // A principal escapes the read deny if it is named, or carries an ABAC reader group's tag value.
  const tagValues = new Map<string, Set<string>>();
  for (const group of tagReaders)
    for (const [key, value] of Object.entries(group.tags)) (tagValues.get(key) ?? tagValues.set(key, new Set()).get(key)!).add(value);
  if (tagValues.size > 0) {
    readDeny.StringNotEquals = Object.fromEntries([...tagValues].map(([key, values]) => [`aws:PrincipalTag/${key}`, [...values]]));
  }
  if ((readDeny.ArnNotEquals!["aws:PrincipalArn"] as string[]).length === 0) delete readDeny.ArnNotEquals;
  statements.push(
    { Sid: "DenyReadingExceptReaders", Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: readDeny },
    {
      Sid: "DenyWritingExceptAdminAndRotation",
      Effect: "Deny",
      Principal: "*",
      Action: SECRET_VALUE_WRITE_ACTIONS,
      Resource: "*",
      Condition: { ...notService, ArnNotEquals: { "aws:PrincipalArn": [...admins, ...rotation] } },
    },
    {
      Sid: "DenyPolicyChangesExceptAdmin",
      Effect: "Deny",
      Principal: "*",
      Action: SECRET_POLICY_ACTIONS,
      Resource: "*",
      Condition: { ...notService, ArnNotEquals: { "aws:PrincipalArn": admins } },
    },
  );
  return policyDocument(uniqueSids(statements));
}
