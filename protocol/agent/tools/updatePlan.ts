// update_plan: the agent's short todo list for a task of several steps, shown to the user in the chat
// and updated as steps are done. Touches nothing outside the turn, so it never asks.
import * as z from 'zod/mini';
import { parsePlan, planTitle } from '../plan';
import { defineTool } from '../tool';

export const updatePlan = defineTool({
  name: 'update_plan',
  description:
    'For a task of several steps: write your plan first, then send it again whenever a step is done. One step per line, "[x] " before a step that is done, "[ ] " before one that is not.',
  brief: 'Write or update your step list ("[x] " = done).',
  params: {
    plan: z.string().check(z.describe('the steps, one per line')),
  },
  risk: 'read',
  local: true,
  approvalTitle: (args) => planTitle(parsePlan(args.plan)),
});
