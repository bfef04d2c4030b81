import { FRAMEWORKS, type FrameworkId } from "../../modules/controls/frameworks.js";
import type { Scorecard } from "./types.js";

/** One `--fail-under`: the overall Config score, or a framework's score, at least `threshold` percent. */
export interface GateSpec {
  target: "config" | FrameworkId;
  threshold: number;
}

export interface GateResult extends GateSpec {
  /** "Config score", "NIST SP 800-53 Rev. 5 score". */
  label: string;
  score: number | null;
  /** No score (nothing counted) never meets a gate. */
  met: boolean;
}

export function evaluateGates(card: Pick<Scorecard, "score" | "frameworks">, specs: readonly GateSpec[]): GateResult[] {
  return specs.map((spec) => {
    const framework = spec.target === "config" ? undefined : card.frameworks.find((f) => f.id === spec.target);
    const score = spec.target === "config" ? card.score.overall : (framework?.score ?? null);
    const label = spec.target === "config" ? "Config score" : `${FRAMEWORKS[spec.target].title} score`;
    return { ...spec, label, score, met: score !== null && score >= spec.threshold };
  });
}
