"""A SAML 2.0 identity provider for the tests: pysaml2's own IdP (`saml2.server.Server`).

It runs in a thread on a free port of 127.0.0.1 and serves its metadata at /metadata and
single sign-on at /sso (HTTP-Redirect in, HTTP-POST form out). It signs in whichever
account the test names in `next_account`, as a real IdP would after its login form.
Signatures need Debian's xmlsec1; without it the fixture skips with the reason.
"""

import datetime
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from tests.servers.slapd import free_port

XMLSEC = Path("/usr/bin/xmlsec1")
SP_BASE_URL = "http://testserver/"
OBJECT_ID = "http://schemas.microsoft.com/identity/claims/objectidentifier"
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"

ACCOUNTS = {
    "anna": {
        OBJECT_ID: ["5f1b7c2e-3333-4a55-8c1d-0e0b0a0c0d01"],
        EMAIL: ["anna.berg@landskrona.se"],
        GIVEN_NAME: ["Anna"],
        SURNAME: ["Berg"],
        "title": ["Bygglovshandläggare"],
        "department": ["Stadsbyggnadsförvaltningen"],
    },
}


def write_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """Write a new RSA key and a self-signed certificate for it; return both paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, certificate_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, certificate_path


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class SamlIdentityProvider:
    def __init__(self, folder: Path, sp_metadata: str):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.entity_id = f"{self.base_url}/metadata"
        self.metadata_url = f"{self.base_url}/metadata"
        self.next_account = "anna"
        key_path, certificate_path = write_key_pair(folder, "idp")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.base_url}/sso", BINDING_HTTP_REDIRECT)
                            ]
                        },
                        "policy": {"default": {"lifetime": {"minutes": 5}}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
                "key_file": str(key_path),
                "cert_file": str(certificate_path),
                "metadata": {"inline": [sp_metadata]},
                "xmlsec_binary": str(XMLSEC),
            }
        )
        self.server = Server(config=config)
        self.metadata = str(entity_descriptor(config))

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [self.metadata.encode()]
        if path == "/sso":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            html = self.respond(query["SAMLRequest"][0], query.get("RelayState", [""])[0])
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [html.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def respond(self, saml_request: str, relay_state: str) -> str:
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        arguments = self.server.response_args(request)
        identity = ACCOUNTS[self.next_account]
        response = self.server.create_authn_response(
            identity=identity,
            userid=self.next_account,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=identity[OBJECT_ID][0]),
            authn={
                "class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
                "authn_auth": self.entity_id,
            },
            sign_assertion=True,
            sign_response=True,
            **arguments,
        )
        http = self.server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            arguments["destination"],
            relay_state=relay_state,
            response=True,
        )
        return http["data"]

    def sign_in(self, authorization_url: str) -> dict[str, str]:
        """Follow GENBO's redirect and return the form fields the browser would POST back."""
        parts = urlsplit(authorization_url)
        assert f"{parts.scheme}://{parts.netloc}" == self.base_url, authorization_url
        html = httpx.get(authorization_url, timeout=10).text
        fields = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', html))
        assert "SAMLResponse" in fields, html[:500]
        return fields


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    if not XMLSEC.exists():
        pytest.skip("xmlsec1 is not installed (Debian package xmlsec1; .ci/run installs it)")
    from genbo.accounts.saml import sp_metadata

    idp = SamlIdentityProvider(tmp_path_factory.mktemp("saml"), sp_metadata(SP_BASE_URL))
    server = make_server("127.0.0.1", idp.port, idp, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield idp
    server.shutdown()
    server.server_close()
