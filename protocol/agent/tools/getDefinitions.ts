// get_definitions: where a symbol is defined, with its source.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const getDefinitions = defineTool({
  name: 'get_definitions',
  description: 'Find where a symbol (function, class, type, variable) is defined; returns its file, line and source.',
  brief: 'Where a symbol is defined.',
  params: { symbol: z.string().check(z.describe('the symbol name')) },
  risk: 'read',
  approvalTitle: (args) => `Find the definition of ${args.symbol}`,
});
