import dns from 'node:dns';
import net from 'node:net';
import { BlockedAddressError } from './outbound-error.js';

/** One answer of a DNS lookup. */
export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to every address it has; injectable so tests can play DNS. */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Addresses a user-supplied URL may never reach: this machine, its networks, and the special ranges. */
function buildBlockList(): net.BlockList {
  const list = new net.BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8], // "this network", 0.0.0.0 itself
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local, cloud metadata
    ['172.16.0.0', 12],
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.168.0.0', 16],
    ['198.18.0.0', 15], // benchmarking
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, 255.255.255.255 broadcast included
  ];
  for (const [prefix, bits] of v4) list.addSubnet(prefix, bits, 'ipv4');
  const v6: Array<[string, number]> = [
    ['::', 96], // unspecified, loopback and the old IPv4-compatible form
    ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
    ['2001::', 32], // Teredo
    ['2002::', 16], // 6to4
    ['fc00::', 7], // unique-local
    ['fe80::', 10], // link-local
    ['fec0::', 10], // old site-local
    ['ff00::', 8], // multicast
  ];
  for (const [prefix, bits] of v6) list.addSubnet(prefix, bits, 'ipv6');
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) needs no rule of its own: BlockList checks it against the IPv4 rules.
  return list;
}

const BLOCKED = buildBlockList();

/** True for an address (IPv4 or IPv6 literal) a user-supplied URL may not reach; a non-address is refused too. */
function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

const refused = () => new BlockedAddressError('the address is not allowed for a user-supplied URL');

/** A URL's host as Node's connector sees it: the WHATWG parser already turned 0x7f.1 or 2130706433 into dotted form. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Checks a user-supplied URL before anything is sent: http or https only, no credentials in it, and
 * a literal address must be allowed (Node connects to a literal without a lookup). A host name is
 * resolved and every answer checked, so an obvious refusal fails fast; the check that counts is the
 * one at connect time (`guardedLookup`), on the address actually used.
 */
export async function checkUserUrl(url: URL, resolve: Resolve): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedAddressError('only http and https URLs are allowed');
  if (url.username || url.password) throw new BlockedAddressError('credentials in a URL are not allowed');
  const host = bareHost(url);
  if (net.isIP(host)) {
    if (isBlockedAddress(host)) throw refused();
    return;
  }
  const answers = await resolve(host);
  if (answers.length === 0 || answers.some((a) => isBlockedAddress(a.address))) throw refused();
}

type LookupOptions = { all?: boolean; family?: number | string };
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the sockets of user-supplied URLs: it resolves, refuses the whole answer when any
 * address is blocked, and hands Node exactly the addresses it checked, so the socket connects only to
 * a checked address (DNS rebinding between the first check and the connection gains nothing).
 */
export function guardedLookup(resolve: Resolve) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname).then(
      (answers) => {
        if (answers.some((a) => isBlockedAddress(a.address))) return callback(refused(), '', 0);
        const usable = answers.filter((a) => wanted === 0 || a.family === wanted);
        if (usable.length === 0) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return callback(null, usable);
        const first = usable[0] as ResolvedAddress;
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
