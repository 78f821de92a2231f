/**
 * Progress of long phases on stderr: one line rewritten in place on a terminal, a line every few
 * seconds otherwise (CI logs), so a long phase never looks hung.
 */
const TTY = process.stderr.isTTY === true;
const PLAIN_EVERY_MS = 5_000;

export function say(line: string): void {
  process.stderr.write(`${TTY ? '\r\x1b[2K' : ''}bench: ${line}\n`);
}

export interface Progress {
  /** `done` of `total` (units as named at start) */
  update(done: number, extra?: string): void;
  end(summary?: string): void;
}

export function progress(what: string, total: number, unit: string): Progress {
  const started = performance.now();
  let lastPlain = 0;
  let ended = false;
  const line = (done: number, extra?: string): string => {
    const seconds = (performance.now() - started) / 1000;
    const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${what}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit} (${pct.toFixed(0)}%, ${seconds.toFixed(1)} s, ${rate.toLocaleString('en-US')} ${unit}/s)${extra ? ` ${extra}` : ''}`;
  };
  return {
    update(done, extra) {
      if (ended) return;
      if (TTY) process.stderr.write(`\r\x1b[2Kbench: ${line(done, extra)}`);
      else if (performance.now() - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = performance.now();
        process.stderr.write(`bench: ${line(done, extra)}\n`);
      }
    },
    end(summary) {
      if (ended) return;
      ended = true;
      say(`${what}: ${summary ?? 'done'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
  };
}
