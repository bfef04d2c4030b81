import { describe, expect, it } from "vitest";
import { configIssues } from "../helpers/config.js";

/** `path: message` of every problem the loader reports for `text`. */
function problems(text: string): string[] {
  return configIssues(text).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

const HEAD = `organization: { id: o-abc123defg, name: Test Org }
defaults: { regions: [eu-west-1, eu-central-1] }
permissionBoundary: { name: test-boundary }
backend: { type: s3, bucket: test-tfstate, region: eu-west-1 }
accounts:
  - { id: "111111111111", name: management, role: management, environment: shared, ou: / }
  - id: "222222222222"
    name: security
    role: security
    environment: security
    ou: /Security
    roles: [{ name: access-broker, kind: service, services: [lambda.amazonaws.com] }]
`;

describe("every problem at once", () => {
  it("reports schema problems and the cross-reference problems of the parts that parsed in one run", () => {
    const out = problems(`${HEAD}  - id: "33333333333"
    name: claims-prod
    role: workload
    environment: prod
    ou: /Workloads
    roles:
      - { name: api, kind: servce, services: [lambda.amazonaws.com] }
      - { name: worker, kind: service, services: [lamda.amazonaws.com], trusted: [{ account: security, role: x }] }
      - name: reader
        kind: cross-account
        trusted: [{ account: claims-prd, role: x }, { arn: "*" }]
        grants: { keys: [{ key: data, via: [s3, glu] }], secrets: [db-credentail] }
      - { name: jit, kind: brokered, broker: { account: security, role: acess-brokr } }
      - { name: deploy, kind: github, subjects: ["repo:claims/*"] }
      - { name: ops, kind: service, services: [ecs-tasks.amazonaws.com], statements: [{ effect: Allow, actions: [iam:PassRole], resources: ["*"] }] }
    keys: [{ name: data, administrators: [{ account: security, role: x }] }]
    secrets: [{ name: db-credentials, key: dta }]
`);
    expect(out).toEqual([
      '13:9 accounts[2].id: a 12-digit AWS account id: "33333333333" has 11 digits',
      '19:28 accounts[2].roles[0].kind: unknown kind "servce": expected one of service, cross-account, human, break-glass, brokered, github, roles-anywhere (did you mean "service"?)',
      '20:51 accounts[2].roles[1].services[0]: a service principal such as lambda.amazonaws.com (got "lamda.amazonaws.com") (did you mean "lambda.amazonaws.com"?)',
      '20:73 accounts[2].roles[1].trusted: "trusted" is not allowed for kind service (only for kind cross-account, human, break-glass)',
      '23:30 accounts[2].roles[2].trusted[0].account: unknown account "claims-prd" (did you mean "claims-prod"?): trusted roles must be in an account of this organization',
      '23:60 accounts[2].roles[2].trusted[1].arn: principal "*" trusts everyone (every AWS account): name the exact role ARNs',
      '24:49 accounts[2].roles[2].grants.keys[0].via[1]: an AWS service that uses KMS keys on a caller\'s behalf (kms:ViaService), such as secretsmanager, s3 or rds (got "glu") (did you mean "glue"?)',
      '24:68 accounts[2].roles[2].grants.secrets[0]: secret "db-credentail" does not exist in account claims-prod (did you mean "db-credentials"?)',
      '25:73 accounts[2].roles[3].broker.role: role "acess-brokr" does not exist in account security (did you mean "access-broker"?): the broker must be a role declared in that account',
      '26:50 accounts[2].roles[4].subjects[0]: OIDC subject "repo:claims/*" has a wildcard: any workflow matching it (another repository, branch or environment) could assume the role; pin it exactly, e.g. repo:OWNER@OWNER_ID/REPO@REPO_ID:environment:prod',
      "27:87 accounts[2].roles[5].statements[0]: iam:PassRole on every resource: passing any role to a service is a privilege-escalation path; name the role ARNs",
      "28:43 accounts[2].keys[0].administrators[0]: a role of this key's own account, by name: management of a key is never delegated across accounts",
      '29:44 accounts[2].secrets[0].key: key "dta" does not exist in account claims-prod (did you mean "data"?)',
    ]);
  });

  it("does not report references to an entry the schema refused", () => {
    const out =
      problems(`${HEAD}  - { id: "333333333333", name: app, role: workload, environment: prod, ou: /, secrets: [{ name: db, readers: [{ role: api }] }],
      roles: [{ name: api, kind: service, services: [lambda.amazonaws.com], maxSessionDuration: "long" }] }
`);
    expect(out).toEqual([expect.stringMatching(/^14:\d+ accounts\[2\]\.roles\[0\]\.maxSessionDuration: expected a number/)]);
  });

  it("keeps positions of later list items when an earlier one is refused", () => {
    const out =
      problems(`${HEAD}  - { id: "333333333333", name: app, role: workload, environment: prod, ou: /, roles: [{ name: a, kind: nope }, { name: b, kind: service, services: [lambda.amazonaws.com], grants: { logGroups: [/app/lg] } }] }
`);
    expect(out).toEqual([
      expect.stringMatching(/^13:\d+ accounts\[2\]\.roles\[0\]\.kind: unknown kind "nope"/),
      expect.stringMatching(/^13:\d+ accounts\[2\]\.roles\[1\]\.grants\.logGroups\[0\]: log group "\/app\/lg" does not exist in account app$/),
    ]);
  });

  it("never refuses a default the user did not write (logs.retentionDays.prod without prod accounts)", () => {
    expect(problems(HEAD)).toEqual([]);
  });

  it("describes a union by its closest option instead of zod's bare Invalid input", () => {
    const out =
      problems(`${HEAD}  - { id: "333333333333", name: app, role: workload, environment: dev, ou: /, roles: [{ name: ops, kind: human, trusted: [{ account: security }] }] }
`);
    expect(out).toEqual([expect.stringMatching(/^13:\d+ accounts\[2\]\.roles\[0\]\.trusted\[0\]\.role: required: expected a string$/)]);
  });
});
