import { randomBytes } from 'node:crypto';
import { FaultReceiver } from '../../../faults/receiver';
import { createTestDatabase, TestDatabase } from '../../support/database';
import { Installation, InstallationOptions } from '../../support/installation';

/**
 * What an exactly-once run stands on: a database of its own, a webhook receiver verifying signatures (answering
 * after `answerDelayMs`), and Herald split in processes on them with the receiver's secret. `stop()` stops what
 * started, processes first.
 */
export class WebhookInstallation {
  readonly secret = `whsec_${randomBytes(24).toString('base64')}`;
  db?: TestDatabase;
  receiver?: FaultReceiver;
  installation?: Installation;

  async start(options: Omit<InstallationOptions, 'databaseUrl'>, answerDelayMs: number): Promise<Installation> {
    this.db = await createTestDatabase();
    this.receiver = await new FaultReceiver(this.secret, answerDelayMs).start();
    this.installation = new Installation({
      ...options,
      databaseUrl: this.db.url,
      env: { ...options.env, WEBHOOK_SECRET: this.secret },
    });
    return this.installation.start();
  }

  async stop(): Promise<void> {
    await this.installation?.stop();
    await this.receiver?.stop();
    await this.db?.drop();
  }
}
