import cliProgress from "cli-progress";

/**
 * Progress of a collection, on stderr so stdout stays clean for pipes: a bar on a terminal,
 * plain periodic lines otherwise (CI logs), and the number of API calls at the end.
 */
export interface Progress {
  /** A new phase with `total` units of work. */
  phase(name: string, total: number): void;
  advance(units?: number): void;
  /** One API request was sent (retries included). */
  apiCall(): void;
  finish(summary: string): void;
}

export const noProgress: Progress = { phase() {}, advance() {}, apiCall() {}, finish() {} };

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 2000): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream, intervalMs);
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    { stream, format: " {phase} [{bar}] {value}/{total} | {calls} API calls", hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let calls = 0;
  let started = false;
  return {
    phase(name, total) {
      if (!started) {
        bar.start(total, 0, { phase: name, calls });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(0, { phase: name, calls });
      }
    },
    advance(units = 1) {
      if (started) bar.increment(units, { calls });
    },
    apiCall() {
      calls++;
      if (started) bar.update({ calls });
    },
    finish(summary) {
      if (started) bar.stop();
      stream.write(`report: ${summary}\n`);
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream, intervalMs: number): Progress {
  let calls = 0;
  let name = "";
  let total = 0;
  let done = 0;
  let last = 0;
  const line = () => {
    last = Date.now();
    stream.write(`report: ${name} ${done}/${total}, ${calls} API calls\n`);
  };
  const maybe = () => {
    if (Date.now() - last >= intervalMs) line();
  };
  return {
    phase(phaseName, phaseTotal) {
      name = phaseName;
      total = phaseTotal;
      done = 0;
      line();
    },
    advance(units = 1) {
      done += units;
      maybe();
    },
    apiCall() {
      calls++;
      if (name) maybe();
    },
    finish(summary) {
      stream.write(`report: ${summary}\n`);
    },
  };
}
