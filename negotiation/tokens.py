"""Player tokens: a signed envelope (django.core.signing, so nobody can forge one without
SECRET_KEY) around a random id of which only a hash is stored (so a token can be revoked
and a database leak mints nothing). Codes use letters that cannot be misread aloud."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core import signing

_SALT = "forge.player-token.v1"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ"  # no I, L, O: read off a projector without doubt
CODE_LENGTH = 6
CODE_RE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")


def hash_token_id(token_id: str) -> str:
    return hashlib.sha256(token_id.encode()).hexdigest()


def mint(game_id: int, player_id: int, token_id: str) -> str:
    return signing.dumps({"g": game_id, "p": player_id, "t": token_id}, salt=_SALT, compress=False)


def new_token_id() -> str:
    return secrets.token_urlsafe(24)


def read(token: str) -> tuple[int, int, str] | None:
    """(game id, player id, token id) if the signature holds and it has not expired."""
    if not isinstance(token, str) or len(token) > 512:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.FORGE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    g, p, t = data.get("g"), data.get("p"), data.get("t")
    if not (isinstance(g, int) and isinstance(p, int) and isinstance(t, str)):
        return None
    return g, p, t


def matches(token_id: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token_id(token_id), stored_hash)
