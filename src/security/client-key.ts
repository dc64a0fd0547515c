/**
 * The client address of a request, and the key that per-client limits count it under. An IPv4
 * address counts on its own. An IPv6 address
 * counts by its /64 network, because one home connection or one cloud VM usually gets a whole /64
 * (RFC 6177 recommends at least that per site) and can switch addresses inside it at will.
 */
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/** Bits of an IPv6 address that identify one client: the /64 network. */
const IPV6_CLIENT_PREFIX_GROUPS = 4

/**
 * Returns the limit key for `clientIp`: the IPv4 address (also for IPv4-mapped IPv6 such as
 * ::ffff:192.0.2.1), or the /64 network of an IPv6 address, such as 2001:db8:1:2::/64. Text that
 * is not an IP address is returned as it is.
 */
export function clientKey (clientIp: string): string {
  if (!ipaddr.isValid(clientIp)) return clientIp

  const address = ipaddr.parse(clientIp)
  if (address.kind() === 'ipv4') return address.toString()

  const ipv6 = address as ipaddr.IPv6
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString()
  const groups = ipv6.parts.slice(0, IPV6_CLIENT_PREFIX_GROUPS).map((part) => part.toString(16))
  return `${groups.join(':')}::/64`
}

/**
 * Returns the client address of `request`: Fastify's `request.ip`, which comes from
 * X-Forwarded-For when the peer is a trusted proxy. A trusted proxy can still pass on an entry
 * that is not an address at all, such as a URL a client wrote into the header. Then the TCP
 * peer's address is used, so limits, audit lines and Okta always get an IP address.
 */
export function clientIpOf (request: { ip: string, socket: { remoteAddress?: string | undefined } }): string {
  if (isIP(request.ip) !== 0) return request.ip
  return request.socket.remoteAddress ?? 'unknown'
}
