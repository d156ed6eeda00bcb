import { runScenario } from './scenario';
import { SCENARIOS } from './scenarios';

/**
 * `npm run test:faults`: each scenario of scenarios.ts on Herald split in an api and two workers, printing
 * `<scenario>: accepted=N delivered=N lost=N duplicates=N recorded_after_s=S broadcast_…=N digest_…=N`; exits 1
 * when any failed. FAULTS_SCENARIOS (comma-separated names) picks some, FAULTS_NOTIFICATIONS (2000) sizes the
 * plain load of each run and FAULTS_SUBSCRIBERS (2000) its broadcast.
 */
async function main(): Promise<void> {
  const sizes = {
    notifications: Number(process.env.FAULTS_NOTIFICATIONS ?? 2_000),
    subscribers: Number(process.env.FAULTS_SUBSCRIBERS ?? 2_000),
  };
  const picked = process.env.FAULTS_SCENARIOS?.split(',').map((name) => name.trim());
  const unknown = picked?.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name)) ?? [];
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  let failed = 0;
  for (const scenario of SCENARIOS.filter((s) => !picked || picked.includes(s.name))) {
    const started = Date.now();
    const result = await runScenario(scenario, sizes);
    console.log(result.line);
    const took = `  (${((Date.now() - started) / 1000).toFixed(0)} s; ${result.details.split('\n')[0]})`;
    if (result.failures.length) {
      failed++;
      console.log(`  FAILED: ${result.failures.join('; ')}`);
      if (result.details.includes('\n')) console.log(result.details);
    }
    console.log(took);
  }
  console.log(failed ? `faults: ${failed} scenario(s) failed` : 'faults: every scenario passed');
  process.exit(failed ? 1 : 0);
}

void main();
