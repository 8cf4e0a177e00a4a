import { createColors } from 'picocolors';
import type { PredictionRow } from './prediction';

export type Colors = ReturnType<typeof createColors>;

/** Colours only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function colorsFor(stream: { isTTY?: boolean }, noColor: string | undefined): Colors {
  return createColors(Boolean(stream.isTTY) && !noColor);
}

const BAR_WIDTH = 30;

/** A prediction as a table: one line per class with its probability and a bar, rows apart. */
export function predictionTable(rows: PredictionRow[], colors: Colors): string {
  const lines: string[] = [];
  rows.forEach((row, r) => {
    if (rows.length > 1) lines.push(colors.bold(`row ${r}`));
    const width = Math.max('class'.length, ...row.map((c) => c.name.length));
    const best = Math.max(...row.map((c) => c.value));
    lines.push(colors.dim(`${'class'.padEnd(width)}  probability`));
    for (const { name, value } of row) {
      const filled = Math.round(Math.min(Math.max(value, 0), 1) * BAR_WIDTH);
      const bar = '█'.repeat(filled) + colors.dim('░'.repeat(BAR_WIDTH - filled));
      const text = `${name.padEnd(width)}  ${value.toFixed(6)}  ${bar}`;
      lines.push(value === best ? colors.green(text) : text);
    }
  });
  return lines.join('\n');
}

/** A progress bar redrawn in place on a terminal; nothing at all elsewhere. */
export class Progress {
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
    private readonly label: string,
  ) {}

  update(done: number, failed: number): void {
    if (!this.stream.isTTY) return;
    const filled = Math.round((done / this.total) * BAR_WIDTH);
    const failures = failed > 0 ? `, ${failed} failed` : '';
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${this.total}${failures}`);
    this.shown = true;
  }

  end(): void {
    if (this.shown) this.stream.write('\n');
  }
}
