// The studio's strict CSP has no 'unsafe-eval': zod 4 would probe `new Function` (its JIT for
// object parsing) and the page would log a refusal. Run zod without it. Imported first by main.tsx.
import { z } from 'zod';

z.config({ jitless: true });
