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


def _addresses(host: str, port: int) -> set[str]:
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass  # a name, not an address: ask the resolver
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # An IPv6 address may carry a zone ("fe80::1%eth0"); the zone is no part of the address.
    return {info[4][0].split("%", 1)[0] for info in infos}


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback, whatever the IPv6 rules say
    return ip.is_global and not ip.is_multicast


def endpoint_refusal(url: str) -> str | None:
    """Why the server must not send to this URL, or None when it may."""
    if settings.PUSH_ENDPOINT_ALLOW_PRIVATE:
        return None
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 443
    except ValueError:
        return NOT_PUBLIC
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
