"""Whether a push endpoint is a place the server may send to.

An endpoint comes from a browser, so anyone signed in can name any URL: without this check
the server would POST to its own network (a database, a cloud metadata address) on their
behalf. Real push services are on the public internet, so every address the host name
resolves to must be a public one. Checked when a device subscribes and again before each
send, since what a name resolves to can change after it was accepted.
"""

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Lazy: shown in the language of whoever subscribes. endpoint_refusal returns these very
# objects, so the sender still tells them apart (a lazy text equals itself in any language).
NOT_PUBLIC = _("A push endpoint must be on the public internet.")
NO_HOST = _("The push endpoint's host name does not resolve.")
NOT_HTTPS = _("A push endpoint must use https.")
NOT_HTTPS_PORT = _("A push endpoint must use the https port, 443.")

# IPv6 forms that carry an IPv4 address in their last 32 bits, and reach it: NAT64's
# well-known prefix (RFC 6052), IPv4-compatible (::a.b.c.d, deprecated) and IPv4-translated
# (::ffff:0:a.b.c.d, RFC 2765). Python's is_global judges the IPv6 prefix, not the IPv4 inside.
EMBEDDING_IPV4 = [
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
]
# NAT64 for a local network (RFC 8215): never on the public internet, wherever the IPv4 sits.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _addresses(host: str, port: int) -> set[str]:
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass  # a name, not an address: ask the resolver
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # An IPv6 address may carry a zone ("fe80::1%eth0"); the zone is no part of the address.
    return {info[4][0].split("%", 1)[0] for info in infos}


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address this IPv6 one leads to, if any: ::ffff:127.0.0.1 is loopback, and so
    are 6to4's 2002:7f00:1:: and NAT64's 64:ff9b::7f00:1, whatever the IPv6 rules say."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in EMBEDDING_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return False
        ip = _embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


def endpoint_refusal(url: str) -> str | None:
    """Why the server must not send to this URL, or None when it may."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 443
    except ValueError:
        return NOT_PUBLIC
    if settings.PUSH_ENDPOINT_REQUIRE_HTTPS:
        if parts.scheme != "https":
            return NOT_HTTPS
        # Push services listen on 443; another port would let a URL reach some other service
        # (a cache, a database) on a public host.
        if port != 443:
            return NOT_HTTPS_PORT
    if settings.PUSH_ENDPOINT_ALLOW_PRIVATE:
        return None
    if not host:
        return NOT_PUBLIC
    try:
        addresses = _addresses(host, port)
    except (OSError, UnicodeError):
        return NO_HOST
    if not addresses or not all(is_public_address(address) for address in addresses):
        logger.warning("push endpoint host %s resolves to a non-public address", host)
        return NOT_PUBLIC
    return None
