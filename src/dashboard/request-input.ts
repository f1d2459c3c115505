import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { HttpError } from './http-errors.js';

/** The largest `limit` a list endpoint takes. */
export const MAX_LIMIT = 1000;

/** The value at `path` in `value`, to tell a missing field from a wrong one. */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path)
    v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/**
 * `value` checked against `schema`, or a 400 naming `where` and the first problem, e.g.
 * `body: missing field "token"`, `query: limit: …`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new HttpError(400, `${where}: invalid`);
  const field = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type' && issue.path.length > 0 && at(value, issue.path) === undefined) {
    throw new HttpError(400, `${where}: missing field "${field}"`);
  }
  if (issue.path.length === 0 && (value === undefined || value === null)) {
    throw new HttpError(400, `${where}: missing (expected a JSON object)`);
  }
  throw new HttpError(400, `${where}: ${field === '' ? '' : `${field}: `}${issue.message}`);
}

/** A list's `limit` query parameter: absent → `absent`, else an integer from 1 to {@link MAX_LIMIT}. */
export function limitOf(raw: string | undefined, absent: number): number {
  if (raw === undefined || raw === '') return absent;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `query: limit ${JSON.stringify(raw)} is not an integer`);
  const n = Number(raw);
  if (n < 1 || n > MAX_LIMIT) throw new HttpError(400, `query: limit ${n} is not within 1-${MAX_LIMIT}`);
  return n;
}

/** The request's media type, lower case, without parameters (`charset=…`); undefined when absent. */
function mediaTypeOf(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type'];
  return header === undefined ? undefined : (header.split(';')[0] as string).trim().toLowerCase();
}

/**
 * An onRequest hook that answers 415 unless the body is one of `types` (checked before the body is
 * read, so that XML sent as JSON is a 415 and not a JSON syntax error). `optional`: no body at all
 * is fine too.
 */
export function acceptsBody(types: readonly string[], optional = false) {
  return async (request: FastifyRequest): Promise<void> => {
    const type = mediaTypeOf(request);
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (type === undefined && optional && !hasBody) return;
    if (type === undefined || !types.includes(type)) {
      throw new HttpError(
        415,
        `content type ${type === undefined ? '(none)' : JSON.stringify(type)} is not accepted here: send ${types.join(' or ')}`,
      );
    }
  };
}
