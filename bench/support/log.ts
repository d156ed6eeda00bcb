/** A progress line on stderr (the table goes to stdout). */
export function log(scope: string, message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${scope}: ${message}\n`);
}
