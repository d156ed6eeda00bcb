import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { HostResolver, pinnedLookup, privateAddressReason, resolveTarget } from './ssrf-guard';

/** A resolver that must not be asked: IP literals are checked as they are, without DNS. */
const noDns: HostResolver = (hostname) => Promise.reject(new Error(`DNS asked for ${hostname}`));
const fixed =
  (...addresses: string[]): HostResolver =>
  () =>
    Promise.resolve(addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('privateAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private network'],
    ['172.16.0.1', 'private network'],
    ['172.31.255.255', 'private network'],
    ['192.168.1.1', 'private network'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['fec0::1', 'site-local'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['[::1]', 'loopback'],
    ['example.com', 'not an IP address'],
  ])('%s is refused: %s', (address, reason) => {
    expect(privateAddressReason(address)).toBe(reason);
  });

  it.each([
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'IPv4-mapped loopback'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private network'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
    ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 link-local'],
    ['2002:7f00:1::1', '6to4 loopback'],
    ['2002:c0a8:101::1', '6to4 private network'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::8.8.8.8', 'IPv4-compatible'],
  ])('an IPv4 address inside IPv6, %s, is judged by the IPv4 address: %s', (address, reason) => {
    expect(privateAddressReason(address)).toBe(reason);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '192.169.0.1',
    '169.255.0.1',
    '223.255.255.255',
    '2606:2800:220:1:248:1893:25c8:1946',
    '2a00:1450:4007:80f::200e',
    '::ffff:93.184.216.34',
    '64:ff9b::5db8:d822',
    '2002:5db8:d822::1',
  ])('%s is public', (address) => {
    expect(privateAddressReason(address)).toBeUndefined();
  });
});

describe('resolveTarget', () => {
  const refuse = { allowPrivate: false, resolve: noDns };

  // Each of these is 127.0.0.1 (or ::ffff:127.0.0.1, or ::1) once the WHATWG URL parser has read it.
  it.each([
    'http://127.0.0.1:8080/',
    'http://127.1/',
    'http://127.0.1/',
    'http://0x7f.1/',
    'http://0x7f.0.0.1/',
    'http://0x7f.0x0.0x0.0x1/',
    'http://0177.0.0.1/',
    'http://0177.1/',
    'http://017700000001/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://127.000.000.001/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::1]/',
    'http://[::127.0.0.1]/',
    'https://0/',
    'http://[::]/',
    'http://user:pass@169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
  ])('refuses %s without asking DNS', async (raw) => {
    const error = await resolveTarget(new URL(raw), refuse).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/^target address \S+ is private \(/);
  });

  it('lets a public address literal through without asking DNS or connecting anywhere', async () => {
    await expect(resolveTarget(new URL('https://93.184.216.34/hook'), refuse)).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    await expect(resolveTarget(new URL('https://[2606:2800:220:1:248:1893:25c8:1946]/'), refuse)).resolves.toEqual([
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
  });

  it('checks the addresses a name resolves to, not the name', async () => {
    const url = new URL('https://hooks.example.com/in');
    await expect(resolveTarget(url, { allowPrivate: false, resolve: fixed('93.184.216.34') })).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    const rebound = await resolveTarget(url, { allowPrivate: false, resolve: fixed('10.0.0.5') }).catch(
      (e: unknown) => e,
    );
    expect(rebound).toBeInstanceOf(PermanentDeliveryError);
    expect((rebound as Error).message).toMatch(
      /^target address 10\.0\.0\.5 of "hooks\.example\.com" is private \(private network\)/,
    );
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const url = new URL('https://mixed.example.com/');
    const error = await resolveTarget(url, {
      allowPrivate: false,
      resolve: fixed('93.184.216.34', '2606:2800:220:1::1', '::ffff:127.0.0.1'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(/::ffff:127\.0\.0\.1 .*IPv4-mapped loopback/);
  });

  it('refuses localhost through the real system resolver', async () => {
    const error = await resolveTarget(new URL('http://localhost:8080/'), { allowPrivate: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toMatch(
      /^target address (127\.0\.0\.1|::1) of "localhost" is private \(loopback\)/,
    );
  });

  it('treats a failed resolution as transient', async () => {
    const error = await resolveTarget(new URL('https://nowhere.example/'), {
      allowPrivate: false,
      resolve: () => Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toBe('cannot resolve host "nowhere.example": EAI_AGAIN');
  });

  it('lets private targets through when WEBHOOK_ALLOW_PRIVATE is on', async () => {
    await expect(resolveTarget(new URL('http://127.1:9/'), { allowPrivate: true, resolve: noDns })).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
    await expect(
      resolveTarget(new URL('http://box.internal/'), { allowPrivate: true, resolve: fixed('192.168.1.20') }),
    ).resolves.toEqual([{ address: '192.168.1.20', family: 4 }]);
  });
});

describe('pinnedLookup', () => {
  let server: http.Server;
  let port: number;
  const seen: { host?: string; remote?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push({ host: request.headers.host, remote: request.socket.localAddress });
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers both lookup forms with the checked addresses only', () => {
    const lookup = pinnedLookup([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    const answers: unknown[] = [];
    lookup('anything', {}, (error, address, family) => answers.push([error, address, family]));
    lookup('anything', { all: true }, (error, address) => answers.push([error, address]));
    lookup('anything', { family: 6 }, (error, address, family) => answers.push([error, address, family]));
    expect(answers).toEqual([
      [null, '93.184.216.34', 4],
      [
        null,
        [
          { address: '93.184.216.34', family: 4 },
          { address: '2606:2800:220:1::1', family: 6 },
        ],
      ],
      [null, '2606:2800:220:1::1', 6],
    ]);
  });

  it('connects to the pinned address and never asks DNS for the name', async () => {
    // `.invalid` never resolves (RFC 6761): reaching the server proves the pinned address was used.
    const body = await new Promise<string>((resolve, reject) => {
      const request = http.request(
        {
          hostname: 'rebind.invalid',
          port,
          path: '/',
          lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]),
          agent: false,
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(body).toBe('ok');
    expect(seen).toEqual([{ host: `rebind.invalid:${port}`, remote: '127.0.0.1' }]);
  });
});
