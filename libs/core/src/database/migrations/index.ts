import { InitialSchema1764400000000 } from './1764400000000-initial-schema';

/** Listed by class, not by glob, so the same list works compiled and under Vitest. */
export const MIGRATIONS = [InitialSchema1764400000000];
