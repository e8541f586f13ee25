"""An OpenLDAP slapd started on a free port of 127.0.0.1, standing in for Active Directory.

It runs from Debian's `slapd` package (installed by .ci/run) with a generated
configuration in a temporary folder and an in-tree schema for the AD attributes
(ad-attributes.schema). Without /usr/sbin/slapd the fixture skips with the reason.
"""

import base64
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import ldap3
import pytest

SLAPD = Path("/usr/sbin/slapd")
SCHEMA_DIR = Path("/etc/ldap/schema")
AD_SCHEMA = Path(__file__).with_name("ad-attributes.schema")
START_TIMEOUT_SECONDS = 20
SUFFIX = "dc=bjuv,dc=test"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "slapd-test-admin"
PEOPLE_DN = f"ou=Personal,{SUFFIX}"
NORMAL_ACCOUNT = 512
DISABLED_ACCOUNT = 514


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"slapd did not listen on 127.0.0.1:{port} within {START_TIMEOUT_SECONDS} s")


class Directory:
    """A running slapd with a `dc=bjuv,dc=test` tree and helpers to change its people."""

    def __init__(self, url: str):
        self.url = url
        self.base_dn = PEOPLE_DN
        self.admin_dn = ADMIN_DN
        self.admin_password = ADMIN_PASSWORD

    def _connection(self) -> ldap3.Connection:
        return ldap3.Connection(
            ldap3.Server(self.url), user=ADMIN_DN, password=ADMIN_PASSWORD, auto_bind=True
        )

    def add_person(
        self,
        login: str,
        *,
        first_name: str,
        last_name: str,
        password: str,
        email: str = "",
        title: str = "",
        department: str = "",
        disabled: bool = False,
        guid: uuid.UUID | None = None,
    ) -> str:
        """Add a person and return the GUID string that GENBO stores as the subject."""
        guid = guid or uuid.uuid4()
        attributes = {
            "cn": f"{first_name} {last_name}",
            "sn": last_name,
            "givenName": first_name,
            "sAMAccountName": login,
            "mail": email or f"{login}@bjuv.se",
            "userPassword": password,
            "userAccountControl": str(DISABLED_ACCOUNT if disabled else NORMAL_ACCOUNT),
            "objectGUID": guid.bytes_le,
        }
        if title:
            attributes["title"] = title
        if department:
            attributes["department"] = department
        with self._connection() as connection:
            assert connection.add(
                self.dn(first_name, last_name),
                ["inetOrgPerson", "genboTestADAccount"],
                attributes,
            ), connection.result
        return str(guid)

    def dn(self, first_name: str, last_name: str) -> str:
        return f"cn={first_name} {last_name},{PEOPLE_DN}"

    def modify(self, dn: str, **changes: str) -> None:
        with self._connection() as connection:
            assert connection.modify(
                dn, {name: [(ldap3.MODIFY_REPLACE, [value])] for name, value in changes.items()}
            ), connection.result

    def delete(self, dn: str) -> None:
        with self._connection() as connection:
            assert connection.delete(dn), connection.result

    def clear_people(self) -> None:
        with self._connection() as connection:
            connection.search(PEOPLE_DN, "(objectClass=person)", attributes=[])
            for entry in list(connection.response):
                connection.delete(entry["dn"])


@pytest.fixture(scope="session")
def slapd_server(tmp_path_factory):
    if not SLAPD.exists():
        pytest.skip("OpenLDAP's slapd is not installed (Debian package slapd; .ci/run installs it)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    port = free_port()
    config = folder / "slapd.conf"
    config.write_text(
        "\n".join(
            [
                f"include {SCHEMA_DIR / 'core.schema'}",
                f"include {SCHEMA_DIR / 'cosine.schema'}",
                f"include {SCHEMA_DIR / 'inetorgperson.schema'}",
                f"include {AD_SCHEMA}",
                f"pidfile {folder / 'slapd.pid'}",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                f'suffix "{SUFFIX}"',
                f'rootdn "{ADMIN_DN}"',
                f"rootpw {ADMIN_PASSWORD}",
                f"directory {folder / 'db'}",
                # Anyone may bind; only the administrator and the entry itself may read.
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by * read",
                "",
            ]
        )
    )
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(SLAPD), "-f", str(config), "-h", f"{url}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "slapd.log").open("w"),
    )
    try:
        _wait_for_port(port, process)
        directory = Directory(url)
        with directory._connection() as connection:
            connection.add(SUFFIX, ["dcObject", "organization"], {"o": "Bjuv", "dc": "bjuv"})
            connection.add(PEOPLE_DN, ["organizationalUnit"], {"ou": "Personal"})
        yield directory
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder / "db", ignore_errors=True)


@pytest.fixture
def directory(slapd_server):
    slapd_server.clear_people()
    yield slapd_server
    slapd_server.clear_people()


def guid_base64(guid: str) -> str:
    return base64.b64encode(uuid.UUID(guid).bytes_le).decode()
