import type { PolicyDocumentLike } from "./evaluate.js";

/**
 * AWS managed policies the baseline attaches, as the evaluator models them. The
 * real documents are long and change; these are supersets of what they allow (a
 * read-only policy is modelled as every Get/List/Describe), so a denial proven
 * against them holds for the real policy. Intents that must be allowed never rely
 * on a superset: only AdministratorAccess, which is exact, grants them.
 * An attached policy not listed here is refused by the world loader.
 */
const READ_ONLY: PolicyDocumentLike = {
  Statement: [{ Sid: "ModelledAsEveryRead", Effect: "Allow", Action: ["*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Lookup*"], Resource: "*" }],
};

export const MANAGED_POLICIES: Readonly<Record<string, PolicyDocumentLike>> = {
  "arn:aws:iam::aws:policy/AdministratorAccess": { Statement: [{ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }] },
  "arn:aws:iam::aws:policy/ReadOnlyAccess": READ_ONLY,
  "arn:aws:iam::aws:policy/SecurityAudit": READ_ONLY,
  "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess": READ_ONLY,
  "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole": READ_ONLY,
  "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations": {
    Statement: [{ Sid: "ModelledAsOrganizationsReads", Effect: "Allow", Action: ["organizations:Describe*", "organizations:List*"], Resource: "*" }],
  },
};

/**
 * The permissions boundary is a managed policy of the landing zone, not generated
 * here: the evaluator models it as allowing everything, so it never hides a grant
 * (and so never makes a denial look proven).
 */
export const UNKNOWN_BOUNDARY: PolicyDocumentLike = { Statement: [{ Sid: "BoundaryModelledAsAllowAll", Effect: "Allow", Action: "*", Resource: "*" }] };
