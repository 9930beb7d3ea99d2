// The agent's plan as the model writes it to update_plan: one step a line, "[x] " before a step that
// is done ("[ ] " or nothing before one that is not). Read the same way for the approval title (the
// chat card's line) and for the tool's output (the checklist the model and the user see).

export interface PlanStep {
  readonly text: string;
  readonly done: boolean;
}

/** The most steps and characters a step kept: a plan is a short list. */
export const maxPlanSteps = 12;
export const maxStepChars = 160;

export function parsePlan(text: string): PlanStep[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, maxPlanSteps)
    .map((line) => {
      const mark = /^(?:[-*]\s*)?(?:\d+[.)]\s*)?\[([ xX✓✔]?)\]\s*/.exec(line);
      const rest = mark ? line.slice(mark[0].length) : line.replace(/^(?:[-*]\s*|\d+[.)]\s*)/, '');
      return { text: rest.slice(0, maxStepChars), done: !!mark && mark[1] !== '' && mark[1] !== ' ' };
    })
    .filter((step) => step.text.length > 0);
}

/** One line: "Plan: 1 of 3 done; next: Fix add()". */
export function planTitle(steps: readonly PlanStep[]): string {
  const done = steps.filter((s) => s.done).length;
  const next = steps.find((s) => !s.done);
  return `Plan: ${done} of ${steps.length} done${next ? `; next: ${next.text}` : ''}`;
}

/** The checklist: ✓ done, → the step in progress (the first not done), ○ the rest. */
export function planChecklist(steps: readonly PlanStep[]): string {
  const current = steps.findIndex((s) => !s.done);
  return steps.map((step, i) => `${step.done ? '✓' : i === current ? '→' : '○'} ${step.text}`).join('\n');
}
