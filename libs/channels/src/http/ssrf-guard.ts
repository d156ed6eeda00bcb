import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIPv4, isIPv6, LookupFunction } from 'node:net';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';

/**
 * Server-side request forgery guard for targets that senders choose (webhook
 * URLs, Web Push endpoints). The check runs on the resolved addresses, never on the URL text: the
 * WHATWG parser already turns `127.1`, `0x7f.1`, `0177.0.0.1` and `2130706433`
 * into `127.0.0.1`, and a host name can point anywhere. The caller then
 * connects through `pinnedLookup`, so the address checked is the address used
 * and a second, rebinding DNS answer never happens.
 */

interface Range {
  bytes: number[];
  prefix: number;
  reason: string;
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** 16 bytes of a valid IPv6 address (net.isIPv6 checked first), including a trailing dotted IPv4 part. */
function ipv6Bytes(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...ipv4Bytes(dotted[1]));
    text = `${text.slice(0, -dotted[1].length)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function range(cidr: string, reason: string): Range {
  const [ip, prefix] = cidr.split('/');
  return { bytes: isIPv4(ip) ? ipv4Bytes(ip) : ipv6Bytes(ip), prefix: Number(prefix), reason };
}

function inRange(bytes: number[], { bytes: net, prefix }: Range): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const width = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - width)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (net[bit / 8] & mask)) return false;
  }
  return true;
}

// IANA special-purpose registries, most specific first so the reason names the narrowest block.
const IPV4_RANGES: Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private network'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private network'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private network'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
];

/** IPv6 blocks that carry an IPv4 address in their last 32 bits (6to4 in bits 16-48): judged by that address. */
const IPV6_EMBEDDING: { range: Range; offset: number }[] = [
  { range: range('::ffff:0:0/96', 'IPv4-mapped'), offset: 12 },
  { range: range('::ffff:0:0:0/96', 'IPv4-translated'), offset: 12 },
  { range: range('64:ff9b::/96', 'NAT64'), offset: 12 },
  { range: range('2002::/16', '6to4'), offset: 2 },
];

const IPV6_RANGES: Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  // Deprecated IPv4-compatible addresses (::a.b.c.d): no legitimate target uses them.
  range('::/96', 'IPv4-compatible'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo'),
  range('2001:db8::/32', 'documentation'),
  range('fc00::/7', 'unique local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

/** Why an address is not a public unicast address, or undefined when it is one. */
export function privateAddressReason(address: string): string | undefined {
  // Brackets from a URL host and a zone index (fe80::1%eth0) are not part of the address.
  const ip = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(ip)) return IPV4_RANGES.find((r) => inRange(ipv4Bytes(ip), r))?.reason;
  if (!isIPv6(ip)) return 'not an IP address';
  const bytes = ipv6Bytes(ip);
  for (const { range: block, offset } of IPV6_EMBEDDING) {
    if (!inRange(bytes, block)) continue;
    const reason = privateAddressReason(bytes.slice(offset, offset + 4).join('.'));
    return reason && `${block.reason} ${reason}`;
  }
  return IPV6_RANGES.find((r) => inRange(bytes, r))?.reason;
}

export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo: /etc/hosts included), every address, in the resolver's order. */
export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface TargetCheck {
  /** WEBHOOK_ALLOW_PRIVATE: for local development and tests. */
  allowPrivate: boolean;
  resolve?: HostResolver;
}

/**
 * The addresses a URL's host resolves to, each one public (unless allowed).
 * One private address among several refuses the target: the connection could
 * land on any of them. Resolution failures are transient, refusals permanent.
 */
export async function resolveTarget(
  url: URL,
  { allowPrivate, resolve = systemResolver }: TargetCheck,
): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: LookupAddress[];
  if (isIPv4(host)) addresses = [{ address: host, family: 4 }];
  else if (isIPv6(host)) addresses = [{ address: host, family: 6 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new TransientDeliveryError(`cannot resolve host "${host}": ${code ?? message}`);
    }
    if (!addresses.length) throw new TransientDeliveryError(`cannot resolve host "${host}": no address`);
  }
  if (allowPrivate) return addresses;
  for (const { address } of addresses) {
    const reason = privateAddressReason(address);
    if (reason) {
      throw new PermanentDeliveryError(
        `target address ${address}${address === host ? '' : ` of "${host}"`} is private (${reason}); ` +
          'only public addresses are allowed unless WEBHOOK_ALLOW_PRIVATE=true',
      );
    }
  }
  return addresses;
}

/**
 * A `lookup` for http(s).request / net.connect that answers with the addresses
 * already checked instead of asking DNS again (DNS rebinding cannot swap them).
 * Serves both the single-answer form and the `all: true` form that Node's
 * happy-eyeballs connect (autoSelectFamily) asks for.
 */
export function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const matching = family ? addresses.filter((a) => a.family === family) : addresses;
    if (!matching.length) {
      const error: NodeJS.ErrnoException = new Error(`no IPv${family} address among the checked addresses`);
      error.code = 'ENOTFOUND';
      return callback(error, '', 0);
    }
    if (options.all) return callback(null, matching);
    callback(null, matching[0].address, matching[0].family);
  };
}
