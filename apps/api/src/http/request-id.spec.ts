import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { requestId } from './request-id';

function request(header?: string | string[]): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  if (header !== undefined) req.headers['x-request-id'] = header;
  return req;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestId', () => {
  it('adopts a sane X-Request-Id', () => {
    expect(requestId(request('gw-7f3a:01.2_x'))).toBe('gw-7f3a:01.2_x');
  });

  it.each([['has space'], ['a"quote'], ['x'.repeat(129)], [''], ['line\nbreak'], [['a', 'b']]])(
    'replaces %j with a new UUID',
    (header) => expect(requestId(request(header))).toMatch(UUID),
  );

  it('gives each request without one an id of its own', () => {
    expect(requestId(request())).not.toBe(requestId(request()));
  });
});
