import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { Agent } from "undici";

/**
 * The guard against server-side request forgery: a URL a customer gives us (a custom webhook, a Slack or
 * Teams webhook) must lead to the public internet, never into our own network or a cloud metadata service.
 *
 * Call it when a URL is saved and again right before each delivery: the name is resolved each time and every
 * address it resolves to is checked, so a name rebound to a private address after it was saved is refused.
 * The call that follows a check connects through `pinnedDispatcher`, to exactly the addresses checked: the name
 * is not resolved a second time, so it cannot be rebound between the check and the connection.
 */
export class BlockedUrlError extends Error {
  override name = "BlockedUrlError";
}

export interface PublicUrlOptions {
  /**
   * `host:port` pairs allowed anyway, over http too: local development, e.g. `["127.0.0.1:4010"]`. A name is
   * allowed when it is listed itself, or when every address it resolves to is listed with the URL's port.
   */
  allowHosts?: readonly string[];
  /** Resolves a name to all its addresses. Default: the system resolver (node:dns lookup, all). */
  lookup?: (host: string) => Promise<string[]>;
}

/** Blocked IPv4 and IPv6 ranges, the more specific first so that the reason names the right one. */
const BLOCKED: readonly (readonly [string, string, number, "ipv4" | "ipv6"])[] = [
  ["a cloud metadata", "169.254.169.254", 32, "ipv4"],
  ["a cloud metadata", "fd00:ec2::254", 128, "ipv6"],
  ["an unspecified", "0.0.0.0", 8, "ipv4"],
  ["a loopback", "127.0.0.0", 8, "ipv4"],
  ["a private", "10.0.0.0", 8, "ipv4"],
  ["a private", "172.16.0.0", 12, "ipv4"],
  ["a private", "192.168.0.0", 16, "ipv4"],
  ["a carrier-grade NAT", "100.64.0.0", 10, "ipv4"],
  ["a link-local", "169.254.0.0", 16, "ipv4"],
  ["a reserved", "192.0.0.0", 24, "ipv4"],
  ["a documentation", "192.0.2.0", 24, "ipv4"],
  ["a benchmarking", "198.18.0.0", 15, "ipv4"],
  ["a documentation", "198.51.100.0", 24, "ipv4"],
  ["a documentation", "203.0.113.0", 24, "ipv4"],
  ["a multicast", "224.0.0.0", 4, "ipv4"],
  ["a reserved or broadcast", "240.0.0.0", 4, "ipv4"],
  ["an unspecified", "::", 128, "ipv6"],
  ["a loopback", "::1", 128, "ipv6"],
  ["an IPv4-compatible", "::", 96, "ipv6"],
  ["a NAT64", "64:ff9b::", 96, "ipv6"],
  ["a NAT64", "64:ff9b:1::", 48, "ipv6"],
  ["a discard-only", "100::", 64, "ipv6"],
  ["a Teredo", "2001::", 32, "ipv6"],
  ["a documentation", "2001:db8::", 32, "ipv6"],
  ["a 6to4", "2002::", 16, "ipv6"],
  ["a private", "fc00::", 7, "ipv6"],
  ["a link-local", "fe80::", 10, "ipv6"],
  ["a multicast", "ff00::", 8, "ipv6"],
];

const RULES = BLOCKED.map(([label, network, prefix, family]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { label, list };
});

// Kept apart: a BlockList holding ::ffff:0:0/96 would match every plain IPv4 address too.
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet("::ffff:0:0", 96, "ipv6");

const BLOCKED_NAMES = ["localhost", "metadata.google.internal"];

/** Why an address is not public, or null when it is. */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 0) return "not an IP address";
  if (family === 6 && IPV4_MAPPED.check(bare, "ipv6")) return "an IPv4-mapped IPv6 address";
  const type = family === 4 ? "ipv4" : "ipv6";
  const rule = RULES.find(({ list }) => list.check(bare, type));
  return rule ? `${rule.label} address` : null;
}

const systemLookup = async (host: string): Promise<string[]> =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Resolves the URL's host and refuses it, with a BlockedUrlError, unless every address is public. The
 * reasons name the host, never the whole URL: Slack and Teams URLs carry a token.
 */
export async function assertPublicUrl(
  url: string,
  options: PublicUrlOptions = {},
): Promise<{ url: URL; addresses: string[] }> {
  let parsed: URL;
  try {
    // WHATWG parsing turns every numeric IPv4 form (2130706433, 0x7f000001, 0177.0.0.1, 127.1) into dotted form.
    parsed = new URL(url);
  } catch {
    throw new BlockedUrlError("The URL is not valid");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new BlockedUrlError(`Only https URLs are allowed, not ${parsed.protocol.slice(0, -1)}`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new BlockedUrlError("URLs with credentials in them are not allowed");
  }
  const host = parsed.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const allowHosts = options.allowHosts ?? [];
  const lookup = options.lookup ?? systemLookup;
  // A listed development host is the operator's own choice: it is not resolved, nor pinned.
  if (isAllowed(parsed, allowHosts)) return { url: parsed, addresses: isIP(host) ? [host] : [] };
  const httpRefusal = () =>
    new BlockedUrlError(`Only https URLs are allowed (http only for development hosts), not http://${host}`);
  if (parsed.protocol === "http:" && isIP(host)) throw httpRefusal();
  if (BLOCKED_NAMES.some((name) => host === name || host.endsWith(`.${name}`))) {
    throw new BlockedUrlError(`${host} is an internal name`);
  }
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host, lookup);
  } catch (error) {
    throw parsed.protocol === "http:" ? httpRefusal() : error;
  }
  // A development name (say, a test's) is allowed when every address it resolves to is listed with the port.
  if (addresses.every((address) => isAllowed(parsed, allowHosts, address))) return { url: parsed, addresses };
  for (const address of addresses) {
    const reason = blockedAddressReason(address);
    if (reason !== null) {
      throw new BlockedUrlError(
        address === host ? `${host} is ${reason}` : `${host} resolves to ${address}, ${reason}`,
      );
    }
  }
  if (parsed.protocol === "http:") throw httpRefusal();
  return { url: parsed, addresses };
}

async function resolve(host: string, lookup: (host: string) => Promise<string[]>): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch {
    throw new BlockedUrlError(`${host} could not be resolved`);
  }
  if (addresses.length === 0) throw new BlockedUrlError(`${host} could not be resolved`);
  return addresses;
}

/** Whether the URL's host (or, given one, an address it resolved to) is on the allow-list with its port. */
function isAllowed(url: URL, allowHosts: readonly string[], address?: string): boolean {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const candidates =
    address === undefined
      ? [url.host.toLowerCase(), `${url.hostname.toLowerCase()}:${port}`]
      : [`${isIP(address) === 6 ? `[${address}]` : address}:${port}`];
  return allowHosts.some((allowed) => candidates.includes(allowed.toLowerCase()));
}

/** The host name as a connection looks it up: no brackets, no trailing dot, lower case. */
const bareHost = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();

/**
 * A dispatcher whose connections go to the addresses each host was checked against, and nowhere else: its
 * `lookup` answers from those, never from DNS, and refuses a host that was not checked. A listed development
 * host (checked without addresses) is resolved as usual.
 */
export function pinnedDispatcher(checked: readonly { url: URL; addresses: string[] }[]): Agent {
  const pins = new Map(checked.map(({ url, addresses }) => [bareHost(url), addresses]));
  const lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const addresses = pins.get(hostname.replace(/\.$/, "").toLowerCase());
    if (addresses === undefined) {
      callback(new BlockedUrlError(`${hostname} was not checked before connecting`), []);
      return;
    }
    if (addresses.length === 0) {
      dns.lookup(hostname, options, callback as never);
      return;
    }
    const entries = addresses.map((address) => ({ address, family: isIP(address) }));
    if (options.all) callback(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  };
  return new Agent({ connect: { lookup: lookup as never } });
}
