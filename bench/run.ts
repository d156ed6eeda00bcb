import { bareHttp } from './baselines/bare-http';
import { bullmqRaw } from './baselines/bullmq-raw';
import { unnestInsert } from './baselines/unnest-insert';
import { measureBackend } from './herald/measure-backend';
import { log } from './support/log';
import { rssRun, RssRun } from './herald/rss-run';
import { Backend, deleteLiveKeys } from './herald/herald-stack';
import { parseOptions } from './options';
import { markdownTable, rows, RunResult } from './report/figures';
import { appendToBenchmarks, writeLatest } from './report/record';
import { dropDatabases } from './support/databases';
import { machine, revision } from './support/machine';
import { killAll } from './support/processes';
import { profileAccept } from './profile/profile-accept';
import { profileDelivery } from './profile/profile-delivery';

/**
 * `npm run bench`: Herald in split mode, the way production runs it, against baselines measured in the same run
 * (each in a process of its own), as ratios; medians of several runs. See BENCHMARKS.md for how to read it.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  // The commit measured is the one built when the run started, whatever is edited meanwhile.
  const measured = revision();
  const runs: RunResult[] = [];
  for (let run = 1; run <= options.runs; run++) {
    log('bench', `run ${run} of ${options.runs}`);
    const result: RunResult = { baselines: { bareHttp: undefined!, unnestRowsPerSecond: 0, bullmq: {} }, herald: {} };
    for (const backend of options.backends) {
      result.herald[backend] = await measureBackend(backend, run, options.sizes);
      log('baselines', `raw BullMQ on ${backend}`);
      result.baselines.bullmq[backend] = await bullmqRaw(backend, options.bullmqJobs[backend]);
    }
    log('baselines', 'raw unnest insert, bare node:http');
    result.baselines.unnestRowsPerSecond = await unnestInsert(options.insertRows);
    // The same body and headers as Herald's single-accept row.
    const { body, headers } = result.herald[options.backends[0]]!.load;
    result.baselines.bareHttp = await bareHttp(body, headers, options.sizes.singleSeconds, options.sizes.connections);
    runs.push(result);
  }
  const rss: Partial<Record<Backend, RssRun>> = {};
  if (options.rssNotifications > 0) {
    for (const backend of options.backends) rss[backend] = await rssRun(backend, options.rssNotifications);
  }
  const profile = options.profile ? await profileAccept(options.sizes) : undefined;
  const deliveryProfile = options.profile ? await profileDelivery(options.sizes) : undefined;
  const profileMarkdown = profile && deliveryProfile ? `${profile.markdown}\n\n${deliveryProfile.markdown}` : undefined;

  const table = markdownTable(rows(runs, options.backends, rss));
  const runsText =
    options.runs === 0 ? 'no runs, RSS run only' : options.runs === 1 ? '1 run' : `median of ${options.runs} runs`;
  const mode = `${options.quick ? 'quick' : 'full sizes'}, ${runsText}`;
  console.log(`\n${table}\n`);
  if (profileMarkdown) console.log(`${profileMarkdown}\n`);
  const info = { machine: machine(), revision: measured };
  const file = writeLatest({
    at: new Date().toISOString(),
    ...info,
    options,
    mode,
    table,
    runs,
    rss,
    profile,
    deliveryProfile,
  });
  console.log(`written to ${file} (${Math.round((performance.now() - started) / 1000)} s)`);
  if (options.record) {
    await appendToBenchmarks(options.record, info.machine, info.revision, mode, table, profileMarkdown);
    console.log('appended to BENCHMARKS.md');
  }
}

let exiting = false;
async function cleanUp(code: number): Promise<never> {
  if (exiting) process.exit(code);
  exiting = true;
  // Requests still in flight fail once their servers are killed: nothing to report any more.
  process.on('unhandledRejection', () => undefined);
  killAll();
  await dropDatabases().catch((error: Error) => console.error(`dropping the bench databases: ${error.message}`));
  await deleteLiveKeys();
  process.exit(code);
}

process.once('SIGINT', () => void cleanUp(130));
process.once('SIGTERM', () => void cleanUp(143));
main().then(
  () => cleanUp(0),
  (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    return cleanUp(1);
  },
);
