/**
 * Compliance frameworks the catalog maps its controls to. Each control names the requirements
 * it gives evidence for (`frameworks` in catalog.ts); the scorecard derives the framework views
 * from that mapping alone. Requirement ids are typed from these tables, so a control cannot
 * name a requirement a framework does not define here.
 */
export const FRAMEWORKS = {
  "nist-800-53": {
    title: "NIST SP 800-53 Rev. 5",
    url: "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final",
    requirements: {
      "AC-2": "Account Management",
      "AC-2(3)": "Account Management | Disable Accounts",
      "AC-3": "Access Enforcement",
      "AC-4": "Information Flow Enforcement",
      "AC-6": "Least Privilege",
      "AU-2": "Event Logging",
      "AU-6": "Audit Record Review, Analysis, and Reporting",
      "AU-9": "Protection of Audit Information",
      "AU-11": "Audit Record Retention",
      "CA-7": "Continuous Monitoring",
      "CM-5": "Access Restrictions for Change",
      "CM-6": "Configuration Settings",
      "CM-7": "Least Functionality",
      "CM-8": "System Component Inventory",
      "IA-5": "Authenticator Management",
      "IA-5(1)": "Authenticator Management | Password-based Authentication",
      "IA-8": "Identification and Authentication (Non-organizational Users)",
      "SC-7": "Boundary Protection",
      "SC-8": "Transmission Confidentiality and Integrity",
      "SC-12": "Cryptographic Key Establishment and Management",
      "SC-28": "Protection of Information at Rest",
      "SI-4": "System Monitoring",
    },
  },
  "cis-aws": {
    // The numbering of AWS Config's "Operational Best Practices for CIS AWS v1.4" conformance packs.
    title: "CIS AWS Foundations Benchmark v1.4.0",
    url: "https://www.cisecurity.org/benchmark/amazon_web_services",
    requirements: {
      "1.4": "Ensure no 'root' user account access key exists",
      "1.12": "Ensure credentials unused for 45 days or greater are disabled",
      "1.14": "Ensure access keys are rotated every 90 days or less",
      "1.16": 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached',
      "1.20": "Ensure that IAM Access analyzer is enabled for all regions",
      "3.5": "Ensure AWS Config is enabled in all regions",
      "3.8": "Ensure rotation for customer-created symmetric CMKs is enabled",
      "4.16": "Ensure AWS Security Hub is enabled",
    },
  },
} as const;

export type FrameworkId = keyof typeof FRAMEWORKS;
export type RequirementId<F extends FrameworkId> = keyof (typeof FRAMEWORKS)[F]["requirements"] & string;

/** A control's requirements per framework; frameworks where nothing applies are left out. */
export type FrameworkMapping = { readonly [F in FrameworkId]?: ReadonlyArray<RequirementId<F>> };

export const FRAMEWORK_IDS = Object.keys(FRAMEWORKS).sort() as FrameworkId[];

export function isFrameworkId(id: string): id is FrameworkId {
  return Object.hasOwn(FRAMEWORKS, id);
}

/** `AC-2(3)` before `AC-6` before `AU-11`, `3.5` before `3.16`: numbers compare as numbers. */
export function compareRequirementIds(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
