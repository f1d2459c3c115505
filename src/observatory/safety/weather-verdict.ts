import type { z } from 'zod';
import type { WeatherVerdictSchema } from '../contracts/schemas.js';

/** Monitoring's word on the weather (see contracts/schemas.ts). */
export type WeatherVerdict = z.output<typeof WeatherVerdictSchema>;
