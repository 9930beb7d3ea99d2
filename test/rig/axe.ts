// axe-core run inside a page or webview frame: the accessibility rules a screen-reader or keyboard
// user depends on, checked on what is on show. Evaluated through the browser's debugging protocol,
// so the webview's strict CSP (no inline scripts) need not be loosened for the test.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: number;
  targets: string[];
}

export interface AxeSummary {
  /** Violations by impact: minor, moderate, serious, critical. */
  counts: Record<string, number>;
  passes: number;
  violations: AxeViolation[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function runAxe(target: Page | Frame): Promise<AxeSummary> {
  await target.evaluate(await axeSource);
  return target.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeRunResult> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    const counts: Record<string, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 };
    for (const violation of result.violations) counts[violation.impact ?? 'minor'] = (counts[violation.impact ?? 'minor'] ?? 0) + violation.nodes.length;
    return {
      counts,
      passes: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'minor',
        help: v.help,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`),
      })),
    };
  });
}

/** The serious and critical violations, one line each (empty when there are none). */
export function blocking(summary: AxeSummary): string[] {
  return summary.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`);
}

interface AxeRunResult {
  violations: Array<{ id: string; impact?: string; help: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
  passes: unknown[];
}
