// The agent's plan (update_plan) as a checklist in the reply: each step done (✓), in progress (→)
// or to do (○), as the tool's output gives them. Each update of the plan is a card of its own, so
// the reply shows how the plan went.
import type { ToolCallCard } from '../../protocol/chat';
import { el } from './dom';

const states = { '✓': ['done', 'done'], '→': ['current', 'in progress'], '○': ['todo', 'to do'] } as const;

export function renderPlanCard(card: ToolCallCard): HTMLElement {
  const lines = (card.result ?? '').split('\n');
  const steps = lines.flatMap((line) => {
    const state = states[line.charAt(0) as keyof typeof states];
    if (!state) return [];
    const [className, label] = state;
    return [el('li', { className: `plan-step ${className}`, 'aria-label': `${label}: ${line.slice(2)}` }, line)];
  });
  return el(
    'div',
    { className: `tool-card plan-card state-${card.state}`, 'data-call-id': card.id, role: 'group', 'aria-label': 'Agent plan' },
    el('div', { className: 'tool-head' }, el('strong', {}, card.state === 'failed' ? 'Plan not updated' : (lines[0] ?? 'Plan'))),
    steps.length ? el('ul', { className: 'plan-steps' }, ...steps) : el('div', { className: 'tool-reason' }, card.result ?? card.summary),
  );
}
