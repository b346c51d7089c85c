import { Foundation1764000000000 } from './1764000000000-Foundation.js';
import { Deadlines1764100000000 } from './1764100000000-Deadlines.js';

/** Every migration, oldest first. The schema comes from these alone (never `synchronize`). */
export const migrations = [Foundation1764000000000, Deadlines1764100000000];
