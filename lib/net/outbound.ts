// Requests Lumen makes to addresses its users typed (alert webhooks, Slack): they must not reach the
// server's own network (SSRF: cloud metadata at 169.254.169.254, the database, admin ports on
// localhost). A destination is refused when its host is, or resolves to, a loopback, private,
// link-local, shared, reserved or multicast address, unless the operator lists that host name in
// LUMEN_OUTBOUND_ALLOWED_HOSTS (an internal chat server, a local receiver in tests). The check runs
// when the destination is saved and again at connect time on the address actually dialled, so a
// name that resolves elsewhere later (DNS rebinding) is refused too. Built on node:net's BlockList
// and node:http's `lookup` hook rather than a library: the list below is the whole policy.
import "server-only";
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from "node:dns";
import { lookup as lookupAll } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { getEnv } from "../env";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  blocked.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  // IPv4-mapped and NAT64 forms can carry any IPv4 address, private ones included; public
  // receivers are reached through their A records, never written this way.
  ["::ffff:0:0", 96],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const)
  blocked.addSubnet(network, prefix, "ipv6");

export class OutboundDestinationError extends Error {}

function allowedHosts(): Set<string> {
  return new Set(
    (getEnv().LUMEN_OUTBOUND_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The URL's host as node:net writes addresses (no IPv6 brackets). */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && blocked.check(address, family === 6 ? "ipv6" : "ipv4");
}

function refuse(host: string, address?: string): OutboundDestinationError {
  return new OutboundDestinationError(
    address && address !== host
      ? `${host} resolves to ${address}, an internal address Lumen does not send to`
      : `${host} is an internal address Lumen does not send to`,
  );
}

/**
 * Refuses a destination that is or resolves to an internal address (a saved destination is checked
 * again when sent to). A name that does not resolve now is accepted: its deliveries fail and are logged.
 */
export async function assertPublicDestination(rawUrl: string): Promise<void> {
  const url = new URL(rawUrl);
  const host = bareHost(url);
  if (allowedHosts().has(url.hostname.toLowerCase())) return;
  if (isIP(host)) {
    if (isBlockedAddress(host)) throw refuse(host);
    return;
  }
  const addresses = await lookupAll(host, { all: true, verbatim: true }).catch(() => []);
  const internal = addresses.find((entry) => isBlockedAddress(entry.address));
  if (internal) throw refuse(host, internal.address);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** node:dns lookup for sockets: fails when any address of the name is internal. */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses) => {
    if (error) return callback(error, []);
    const internal = addresses.find((entry) => isBlockedAddress(entry.address));
    if (internal) return callback(refuse(hostname, internal.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}

export interface OutboundResponse {
  status: number;
}

/**
 * POSTs `body` to a user-given URL, refusing internal destinations (also after DNS, at connect
 * time), following no redirects and giving up after `timeoutMs`.
 */
export async function postOutbound(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<OutboundResponse> {
  const url = new URL(rawUrl);
  const guarded = !allowedHosts().has(url.hostname.toLowerCase());
  if (guarded && isBlockedAddress(bareHost(url))) throw refuse(bareHost(url));
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        ...(guarded ? { lookup: publicOnlyLookup as never } : {}),
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
