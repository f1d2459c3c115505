import { z } from 'zod';
import { defineMessage } from '../../agent/contract.js';
import { OBSERVATORY_AGENTS } from './agents.js';
import { MessageLogEntrySchema } from './schemas.js';

/** → any observatory agent: the latest messages it received (its own log), newest first. */
export const MESSAGES = defineMessage({
  query: true,
  name: 'Messages',
  to: OBSERVATORY_AGENTS,
  description: 'the latest messages this agent received, newest first',
  payload: z.object({ limit: z.number().int().min(1).max(5000).default(100) }).default({ limit: 100 }),
  reply: z.object({ messages: z.array(MessageLogEntrySchema) }),
});
