import { block, resourcesOf } from "./terraform.js";
import type { SynthesizedStack, Violation } from "./types.js";

/**
 * Preflight of IAM Access Analyzer. The stacks of the security account (the delegated
 * administrator) declare in an output which organization analyzers the config asks of
 * them; the predicates check those analyzers are synthesized with the right type and
 * tracking period, and that the management stack delegates the service.
 */

/** Service principal of IAM Access Analyzer, for delegated administration (and Organizations' trusted access). */
export const ACCESS_ANALYZER_SERVICE = "access-analyzer.amazonaws.com";

export const ACCESS_ANALYZER_OUTPUT = "org_baseline_access_analyzer";

/** What one stack of the security account must hold: an external-access analyzer, and (home region) an unused-access one. */
export interface AccessAnalyzerDeclaration {
  externalAccess: boolean;
  /** Tracking period of the unused-access analyzer, or null when this stack holds none. */
  unusedAccessDays: number | null;
}

const STACK = "(stack)";

function declarationOf(stack: SynthesizedStack): AccessAnalyzerDeclaration | undefined {
  return stack.json.output?.[ACCESS_ANALYZER_OUTPUT]?.value as AccessAnalyzerDeclaration | undefined;
}

function analyzersOf(stack: SynthesizedStack, type: string) {
  return resourcesOf(stack, "aws_accessanalyzer_analyzer").filter((a) => a.body.type === type);
}

/** The stack that delegates the compliance services (the management stack) delegates IAM Access Analyzer too. */
function delegatesAccessAnalyzer(stack: SynthesizedStack): Violation[] {
  const delegations = resourcesOf(stack, "aws_organizations_delegated_administrator");
  if (delegations.length === 0 || delegations.some((d) => d.body.service_principal === ACCESS_ANALYZER_SERVICE)) return [];
  const services = delegations.map((d) => String(d.body.service_principal)).join(", ");
  return [
    {
      resource: STACK,
      why: `administration is delegated for ${services} but not for ${ACCESS_ANALYZER_SERVICE}: the security account cannot create organization analyzers`,
    },
  ];
}

export function externalAccessAnalyzer(stack: SynthesizedStack): Violation[] {
  const out = delegatesAccessAnalyzer(stack);
  if (declarationOf(stack)?.externalAccess !== true) return out;
  if (analyzersOf(stack, "ORGANIZATION").length === 0) {
    const others = resourcesOf(stack, "aws_accessanalyzer_analyzer").map((a) => `${a.address} is ${String(a.body.type ?? "ACCOUNT")}`);
    out.push({
      resource: STACK,
      why: `no aws_accessanalyzer_analyzer of type ORGANIZATION: resources of this region shared outside the organization go unseen${others.length ? ` (${others.join("; ")})` : ""}`,
    });
  }
  return out;
}

export function unusedAccessAnalyzer(stack: SynthesizedStack): Violation[] {
  const days = declarationOf(stack)?.unusedAccessDays;
  if (days === undefined || days === null) return [];
  const analyzers = analyzersOf(stack, "ORGANIZATION_UNUSED_ACCESS");
  if (analyzers.length === 0)
    return [{ resource: STACK, why: "no aws_accessanalyzer_analyzer of type ORGANIZATION_UNUSED_ACCESS, although the config asks for one" }];
  return analyzers.flatMap((a) => {
    const age = block(block(a.body.configuration)?.unused_access)?.unused_access_age;
    return age === days ? [] : [{ resource: a.address, why: `tracks unused access over ${JSON.stringify(age)} days; the config asks for ${days}` }];
  });
}
