"""VAPID key pairs (RFC 8292): the application server's identity towards push services.

Plain functions with no Django import, so that settings can load the keys at start-up.
"""

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid


@dataclass(frozen=True)
class VapidKeys:
    # Uncompressed P-256 point, base64url without padding: what browsers take as
    # applicationServerKey and what push services see in the `k=` parameter.
    public_key: str
    # The raw 32-byte private scalar, base64url without padding: the form pywebpush accepts.
    private_key: str


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def vapid_keys_generate() -> VapidKeys:
    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(public_key=_b64url(public), private_key=_b64url(private))


def vapid_keys_read(path: Path) -> VapidKeys | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return VapidKeys(public_key=data["public_key"], private_key=data["private_key"])


def vapid_keys_write(path: Path, keys: VapidKeys) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps({"public_key": keys.public_key, "private_key": keys.private_key}))
