// The Engine panel's "Usage on this machine" section: the local acceptance statistics as small SVG
// bars, each with its numbers in words beside it (and as the bar's accessible name). Browser only.
import { percentile, share, type CompletionRow, type ProposalCounts, type Survival, type UsageStats } from '../protocol/usageStats';

const svgNs = 'http://www.w3.org/2000/svg';
const shownRows = 8;

/** One bar of parts (value, CSS class), scaled to their total; `label` is what a screen reader says. */
export function bar(parts: ReadonlyArray<readonly [number, string]>, label: string): SVGSVGElement {
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 100 6');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.classList.add('bar');
  const total = parts.reduce((sum, [value]) => sum + value, 0);
  let x = 0;
  for (const [value, tone] of parts) {
    if (!total || !value) continue;
    const rect = document.createElementNS(svgNs, 'rect');
    const width = (value / total) * 100;
    rect.setAttribute('x', String(x));
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', '6');
    rect.classList.add(tone);
    svg.append(rect);
    x += width;
  }
  return svg;
}

export function usageSection(stats: UsageStats, onCommand: (command: 'exportUsageStats' | 'resetUsageStats') => void): HTMLElement {
  const section = document.createElement('section');
  section.className = 'usage';
  section.append(
    heading('Usage on this machine'),
    line(`Counted since ${new Date(stats.since).toLocaleDateString()}; kept only here, never sent anywhere.`, 'note'),
  );
  const rows = [...stats.completions].sort((a, b) => b.shown - a.shown).slice(0, shownRows);
  if (!rows.length && !stats.chat.length && !total(stats.refactor) && !total(stats.agent)) section.append(line('Nothing counted yet.', 'note'));
  for (const row of rows) section.append(completionBlock(row));
  for (const chat of stats.chat) {
    section.append(
      block(`Chat · ${chat.model}`, [
        bar(
          [
            [chat.up, 'good'],
            [chat.down, 'bad'],
          ],
          `${chat.up} helpful, ${chat.down} not helpful`,
        ),
        line(`👍 ${chat.up} · 👎 ${chat.down}`),
      ]),
    );
  }
  for (const [title, counts, unit] of [
    ['Refactor commands', stats.refactor, 'hunks'],
    ['Agent', stats.agent, 'proposals'],
  ] as const) {
    if (total(counts)) section.append(block(title, [keptBar(counts, unit), line(`${counts.kept} ${unit} kept · ${counts.rejected} rejected`)]));
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  for (const [command, label] of [
    ['exportUsageStats', 'Export…'],
    ['resetUsageStats', 'Reset…'],
  ] as const) {
    const button = document.createElement('vscode-button');
    button.setAttribute('secondary', '');
    button.textContent = label;
    button.dataset.command = command;
    button.addEventListener('click', () => onCommand(command));
    actions.append(button);
  }
  section.append(actions);
  return section;
}

function completionBlock(row: CompletionRow): HTMLElement {
  const rate = share(row.accepted, row.shown);
  const p50 = percentile(row.latencyMs, 50);
  const p95 = percentile(row.latencyMs, 95);
  const children: Element[] = [
    bar(
      [
        [row.accepted, 'good'],
        [row.dismissed, 'bad'],
        [Math.max(0, row.shown - row.accepted - row.dismissed), 'open'],
      ],
      `${row.shown} shown, ${row.accepted} accepted, ${row.dismissed} dismissed`,
    ),
    line(`${row.shown} shown · ${row.accepted} accepted${rate === undefined ? '' : ` (${rate} %)`} · ${row.dismissed} dismissed`),
    line(`taken by Tab ${row.acceptedWhole} · by word ${row.acceptedWord} · by line ${row.acceptedLine}`, 'note'),
  ];
  for (const [label, survival] of [
    ['kept after 30 s', row.kept30s],
    ['kept after 5 min', row.kept5min],
  ] as const) {
    if (survival.checkedChars) children.push(survivalBar(label, survival));
  }
  if (p50 !== undefined) children.push(line(`latency p50 ${p50} ms · p95 ${p95} ms`, 'note'));
  return block(`Completions · ${row.language} · ${row.model}`, children);
}

function survivalBar(label: string, survival: Survival): HTMLElement {
  const percent = share(survival.keptChars, survival.checkedChars) ?? 0;
  const wrapper = document.createElement('div');
  wrapper.className = 'survival';
  wrapper.append(
    bar(
      [
        [survival.keptChars, 'good'],
        [survival.checkedChars - survival.keptChars, 'bad'],
      ],
      `${label}: ${percent} % of ${survival.checkedChars} characters`,
    ),
    line(`${label}: ${percent} % of ${survival.checkedChars} characters`, 'note'),
  );
  return wrapper;
}

function keptBar(counts: ProposalCounts, unit: string): SVGSVGElement {
  return bar(
    [
      [counts.kept, 'good'],
      [counts.rejected, 'bad'],
    ],
    `${counts.kept} ${unit} kept, ${counts.rejected} rejected`,
  );
}

function total(counts: ProposalCounts): number {
  return counts.kept + counts.rejected;
}

function block(title: string, children: Element[]): HTMLElement {
  const element = document.createElement('div');
  element.className = 'usage-block';
  const name = document.createElement('h3');
  name.textContent = title;
  element.append(name, ...children);
  return element;
}

function heading(text: string): HTMLElement {
  const element = document.createElement('h2');
  element.textContent = text;
  return element;
}

function line(text: string, className?: string): HTMLElement {
  const element = document.createElement('p');
  element.textContent = text;
  if (className) element.className = className;
  return element;
}
