import type { z } from 'zod';

/**
 * A message declared once: its name, the schema of its payload and of its reply (zod), and the
 * agents that handle it. Handlers registered with `Agent.onMessage(contract, …)` and calls made with
 * `Sender.request(agent, contract, …)` are typed from it; the receiving agent validates every
 * payload against it before any handler runs.
 *
 * @example
 * const OBS_FINISHED = defineMessage({
 *   name: 'Observation finished',
 *   to: ['scheduler'],
 *   payload: z.object({ observationId: z.number().int() }),
 *   reply: z.object({ replanned: z.boolean() }),
 * });
 */
export interface MessageContract<
  N extends string = string,
  P extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly name: N;
  /** The agents that handle it (who receives an event, or who answers a request). */
  readonly to: readonly string[];
  readonly payload: P;
  readonly reply: R;
  /** One line for docs and logs. */
  readonly description?: string;
  /**
   * A query: it reads and changes nothing, so the agent answers it at once, beside its mailbox,
   * as it does STATUS (a long handler, a dome closing, does not hold it up).
   */
  readonly query?: boolean;
}

/** What a sender passes: the payload schema's input type. */
export type PayloadIn<C extends MessageContract> = z.input<C['payload']>;
/** What a handler receives: the payload schema's output (defaults applied, unknown keys dropped). */
export type PayloadOut<C extends MessageContract> = z.output<C['payload']>;
/** What a handler returns: the reply schema's input type. */
export type ReplyIn<C extends MessageContract> = z.input<C['reply']>;
/** What a requester gets back. */
export type ReplyOut<C extends MessageContract> = z.output<C['reply']>;

/** Declares a message (see {@link MessageContract}). */
export function defineMessage<N extends string, P extends z.ZodType, R extends z.ZodType>(
  contract: MessageContract<N, P, R>,
): MessageContract<N, P, R> {
  return Object.freeze({ ...contract, to: Object.freeze([...contract.to]) });
}

/** The longest field path and problem a refusal quotes (the rest is cut). */
const MAX_REASON = 300;

/**
 * Checks `value` against `schema`: its parsed value, or a one-line reason naming the first bad
 * field, e.g. `block.target.raDeg: expected number, received string`.
 */
export function checkSchema(
  schema: z.ZodType,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? '(payload)' : issue.path.join('.');
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  const text = `${path}: ${issue?.message ?? 'invalid'}${more}`.replace(/\s+/g, ' ');
  return { ok: false, reason: text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text };
}
