"""A software authenticator for the server-side passkey tests: it answers the options the
portal sends as a device would (a P-256 key, "none" attestation), so each ceremony's checks
can be tried with a real signature, a wrong one, another origin or a replayed challenge."""

import hashlib
import json
import secrets
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

ORIGIN, RP_ID = "http://testserver", "testserver"


class SoftKey:
    def __init__(self, *, rp_id: str = RP_ID, origin: str = ORIGIN):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.rp_id, self.origin = rp_id, origin
        self.user_handle = b""
        self.count = 0

    def client_data(self, kind: str, challenge: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        self.count += 1
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.count) + attested

    def cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def create(self, options: dict) -> str:
        """The answer to navigator.credentials.create(options), as the page posts it."""
        self.user_handle = _bytes(options["user"]["id"])
        attested = bytes(16) + struct.pack(">H", len(self.credential_id))
        attested += self.credential_id + self.cose_key()
        auth_data = self.auth_data(0x45, attested)  # user present and verified, key attached
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        response = {
            "clientDataJSON": _text(self.client_data("webauthn.create", options["challenge"])),
            "attestationObject": _text(attestation),
            "transports": ["internal"],
        }
        return self.credential(response)

    def get(self, options: dict, *, tamper: bool = False) -> str:
        """The answer to navigator.credentials.get(options), signed with this key."""
        client_data = self.client_data("webauthn.get", options["challenge"])
        auth_data = self.auth_data(0x05)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        if tamper:
            signature = self.key.sign(signed + b"x", ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": _text(client_data),
            "authenticatorData": _text(auth_data),
            "signature": _text(signature),
            "userHandle": _text(self.user_handle),
        }
        return self.credential(response)

    def credential(self, response: dict) -> str:
        ident = _text(self.credential_id)
        return json.dumps(
            {
                "id": ident,
                "rawId": ident,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
            }
        )


def _text(value: bytes) -> str:
    return bytes_to_base64url(value)


def _bytes(value: str) -> bytes:
    from webauthn import base64url_to_bytes

    return base64url_to_bytes(value)
