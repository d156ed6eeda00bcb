import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives. `reject` makes it
 * answer RCPT TO with the given code (550 permanent, 451 transient).
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** Every RCPT TO it was given, refused ones included: who tried to send here, and for whom. */
  readonly recipientsOffered: string[] = [];
  reject: { code: number; message: string } | undefined;
  /** When set, DATA is read but never answered: the sender hangs mid-send (used to kill a worker there). */
  stall = false;
  /** Messages whose DATA arrived while stalled; they were never accepted. */
  stalled = 0;
  /** Milliseconds to wait before accepting DATA: a slow server, so a send is in flight for a while. */
  delayMs = 0;
  private held: Promise<void> | undefined;
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
      onRcptTo: (address, _session, callback) => {
        this.recipientsOffered.push(address.address);
        if (!this.reject) return callback();
        const error = new Error(this.reject.message) as Error & { responseCode: number };
        error.responseCode = this.reject.code;
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.stall) {
            this.stalled++;
            return;
          }
          this.keep(Buffer.concat(chunks).toString('utf8'), session).then(() => callback(), callback);
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /**
   * Holds every DATA answer until the returned function is called: sends stay in flight for as long as a test
   * needs, however slow the machine, where `delayMs` would guess a duration.
   */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  private async keep(raw: string, session: SMTPServerSession): Promise<void> {
    if (this.held) await this.held;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.messages.push({
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      },
      raw,
      parsed: await simpleParser(raw),
    });
  }

  get url(): string {
    return `smtp://user:pass@127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
