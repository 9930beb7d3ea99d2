// update_plan: checks the plan and gives it back as the checklist the chat card shows.
import { parsePlan, planChecklist } from '../../../protocol/agent/plan';
import { updatePlan as spec } from '../../../protocol/agent/tools/updatePlan';
import { implement, ToolError } from './tool';

export const updatePlanTool = implement(spec, {
  async invoke({ plan }) {
    const steps = parsePlan(plan);
    if (!steps.length) throw new ToolError('The plan has no steps: write one step per line, "[x] " before the ones that are done.');
    const done = steps.filter((s) => s.done).length;
    return `Plan (${done} of ${steps.length} done):\n${planChecklist(steps)}`;
  },
});
