import { policyDocument, type Conditions, type PolicyDocument, type Statement } from "./document.js";
import { assertKept, WORKLOAD_CERTIFICATE } from "./must-never.js";

/**
 * Trust of a role assumed through IAM Roles Anywhere: the service principal,
 * pinned to one trust anchor of the account, and only for the declared workload
 * certificates. Roles Anywhere turns the certificate's subject and issuer fields
 * into principal tags (`x509Subject/CN`, `x509Issuer/CN`, ...), so each certificate
 * is one statement: its subject and issuer must match together.
 */

export const ROLES_ANYWHERE_PRINCIPAL = "rolesanywhere.amazonaws.com";
/** What Roles Anywhere needs on the role: assume it, set the source identity (the certificate's CN), tag the session (its fields). */
export const ROLES_ANYWHERE_ACTIONS = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];

export interface WorkloadCertificate {
  /** Subject fields (CN required), e.g. { CN: "backup01.dc1.example.com", OU: "platform" }. */
  subject: Partial<Record<string, string>>;
  issuer?: Partial<Record<string, string>>;
}

export interface RolesAnywhereTrustInput {
  accountId: string;
  /** The trust anchor's ARN (a Terraform reference at synth). */
  trustAnchorArn: string;
  certificates: WorkloadCertificate[];
}

export function rolesAnywhereTrust(input: RolesAnywhereTrustInput): PolicyDocument {
  if (input.certificates.length === 0) throw new Error("a Roles Anywhere role must name its workload certificates");
  const statements: Statement[] = input.certificates.map((cert, i) => {
    assertKept(WORKLOAD_CERTIFICATE, cert);
    const tags: Record<string, string> = {};
    for (const [field, value] of Object.entries(cert.subject)) if (value !== undefined) tags[`aws:PrincipalTag/x509Subject/${field}`] = value;
    for (const [field, value] of Object.entries(cert.issuer ?? {})) if (value !== undefined) tags[`aws:PrincipalTag/x509Issuer/${field}`] = value;
    const condition: Conditions = {
      ArnEquals: { "aws:SourceArn": input.trustAnchorArn },
      StringEquals: { "aws:SourceAccount": input.accountId, ...tags },
    };
    return {
      Sid: `WorkloadCertificate${i + 1}`,
      Effect: "Allow",
      Principal: { Service: ROLES_ANYWHERE_PRINCIPAL },
      Action: [...ROLES_ANYWHERE_ACTIONS],
      Condition: condition,
    };
  });
  return policyDocument(statements);
}
