"""Encryption at rest and keyed hashes for personal identifiers (个人信息保护法).

* Values are encrypted with cryptography's MultiFernet. `settings.RENCAI_FIELD_KEY` holds comma-separated Fernet
  keys, newest first: the first encrypts, every key decrypts, and `rencai talent_rotate_keys` re-encrypts all rows
  with the first key, after which old keys can be removed.
* Exact lookup and de-duplication use HMAC-SHA256 with a separate, stable secret: `RENCAI_HASH_KEY` (setting or
  environment variable), else a per-machine file `var/.hash_key` created on first use, as settings does for the
  Fernet key. It is independent of the Fernet keys on purpose: rotating those must not change any lookup hash.
  Production sets RENCAI_HASH_KEY and keeps it with the database backups; losing it means re-hashing every row
  from the decrypted values.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from rencai.core.exceptions import ApplicationError


class EncryptionKeyError(ApplicationError):
    code = "encryption_key"


def _field_keys() -> tuple[str, ...]:
    raw = getattr(settings, "RENCAI_FIELD_KEY", "") or ""
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if not keys:
        raise EncryptionKeyError("未配置 RENCAI_FIELD_KEY:无法加密个人信息。")
    return keys


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _multifernet(_field_keys())


def primary_key_id() -> str:
    """A short fingerprint of the encrypting key (never the key), recorded with each row for rotation progress."""
    return hashlib.sha256(_field_keys()[0].encode()).hexdigest()[:8]


def _hash_secret_text() -> str:
    configured = getattr(settings, "RENCAI_HASH_KEY", None) or os.environ.get("RENCAI_HASH_KEY")
    if configured:
        return configured.strip()
    var_dir = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / ".hash_key"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@lru_cache(maxsize=4)
def _hmac_base(secret: str):
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 (hex) of a normalised identifier: equal identifiers give equal hashes, nothing else is revealed."""
    h = _hmac_base(_hash_secret_text()).copy()
    h.update(value.encode())
    return h.hexdigest()


def hasher():
    """A fast closure for bulk work (the import hashes a million values): the same HMAC-SHA256 (RFC 2104) as
    `keyed_hash`, with the padded inner and outer states computed once and copied per value (C-level copies)."""
    key = _hash_secret_text().encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(value: str) -> str:
        i = inner.copy()
        i.update(value.encode())
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return digest


def encrypt_pii(values: dict[str, str]) -> str:
    """One token per record holds every personal identifier ({"id": ..., "mobile": ...}): one encryption per row."""
    return fernet().encrypt(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()).decode()


_SAFE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+")


def encryptor():
    """A closure for bulk work that writes standard Fernet tokens with the newest key: version 0x80, timestamp,
    random IV, AES-128-CBC over the PKCS7-padded payload, HMAC-SHA256 over all of it, urlsafe base64 — what
    Fernet.encrypt produces, and MultiFernet decrypts them like any other (tests hold it to that).

    The difference is cost, for a million rows: CBC is computed block by block (C_i = AES(P_i xor C_{i-1}), C_0 = IV)
    on one reusable AES block-cipher context instead of building a cipher object per value, and the HMAC pads are
    prepared once. Identifiers are validated to [0-9A-Z+] before they get here, so their JSON is written directly
    (the same bytes json.dumps gives); anything else goes through json.dumps."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw = base64.urlsafe_b64decode(_field_keys()[0])
    signing_key, encryption_key = raw[:16], raw[16:]
    block = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor().update  # one AES block at a time
    pads = signing_key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in pads))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in pads))
    dumps, urandom, now, b64 = json.dumps, os.urandom, time.time, base64.urlsafe_b64encode
    from_bytes = int.from_bytes

    def encrypt(values: dict[str, str], *, validated: bool = False) -> str:
        """`validated`: the caller guarantees [0-9A-Z+] values (the importer's fast path)."""
        if validated or all(_SAFE.issuperset(v) for v in values.values()):
            payload = ("{" + ",".join(f'"{k}":"{v}"' for k, v in values.items()) + "}").encode()
        else:
            payload = dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
        pad = 16 - len(payload) % 16
        payload += bytes((pad,)) * pad
        iv = urandom(16)
        previous = from_bytes(iv, "big")
        cipher = []
        for i in range(0, len(payload), 16):
            c = block((from_bytes(payload[i:i + 16], "big") ^ previous).to_bytes(16, "big"))
            cipher.append(c)
            previous = from_bytes(c, "big")
        parts = b"\x80" + int(now()).to_bytes(8, "big") + iv + b"".join(cipher)
        i = inner.copy()
        i.update(parts)
        o = outer.copy()
        o.update(i.digest())
        return b64(parts + o.digest()).decode()

    return encrypt


def decrypt_pii(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken:
        raise EncryptionKeyError("无法解密个人信息:加密密钥不匹配(请检查 RENCAI_FIELD_KEY 是否包含旧密钥)。") from None


def rotate_token(token: str) -> str:
    """Re-encrypt with the newest key (MultiFernet.rotate keeps the original timestamp)."""
    return fernet().rotate(token.encode()).decode()
