import { Construct } from "constructs";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile/index.js";
import { RolesanywhereTrustAnchor } from "@cdktf/provider-aws/lib/rolesanywhere-trust-anchor/index.js";
import { trustAnchorLogicalId } from "./naming.js";
import { policyJson, type PolicyDocument } from "./policies/document.js";

export interface TrustAnchorProps {
  roleName: string;
  source: { acmPcaArn: string } | { certificateBundle: string };
  tags?: Record<string, string>;
}

/**
 * An IAM Roles Anywhere trust anchor for one role: the CA whose certificates
 * workloads present. Its Terraform name is fixed (`trustAnchorLogicalId`), so the
 * role's trust policy names exactly this anchor's ARN in `aws:SourceArn`.
 */
export class RolesAnywhereTrustAnchor extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: TrustAnchorProps) {
    super(scope, id);
    const anchor = new RolesanywhereTrustAnchor(this, "anchor", {
      name: `org-baseline-${props.roleName}`,
      enabled: true,
      source: {
        sourceType: "acmPcaArn" in props.source ? "AWS_ACM_PCA" : "CERTIFICATE_BUNDLE",
        sourceData: "acmPcaArn" in props.source ? { acmPcaArn: props.source.acmPcaArn } : { x509CertificateData: props.source.certificateBundle },
      },
      ...(props.tags && Object.keys(props.tags).length > 0 ? { tags: props.tags } : {}),
    });
    anchor.overrideLogicalId(trustAnchorLogicalId(props.roleName));
    this.arn = anchor.arn;
  }
}

export interface RolesAnywhereProfileProps {
  roleName: string;
  roleArn: string;
  /** 900-3600 s. */
  durationSeconds: number;
  sessionPolicy?: PolicyDocument;
}

/** The profile binding the role to Roles Anywhere, with the session bound and an optional session policy. */
export class RolesAnywhereRoleProfile extends Construct {
  constructor(scope: Construct, id: string, props: RolesAnywhereProfileProps) {
    super(scope, id);
    if (props.durationSeconds < 900 || props.durationSeconds > 3600) throw new Error(`profile ${props.roleName}: Roles Anywhere sessions last 900-3600 s`);
    new RolesanywhereProfile(this, "profile", {
      name: `org-baseline-${props.roleName}`,
      enabled: true,
      roleArns: [props.roleArn],
      durationSeconds: props.durationSeconds,
      ...(props.sessionPolicy ? { sessionPolicy: policyJson(props.sessionPolicy) } : {}),
    });
  }
}
