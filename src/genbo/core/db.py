"""The request's database connection around calls to other servers."""

from django.db import connection


def release_connection() -> None:
    """Give the request's database connection back before it waits for another server.

    On PostgreSQL each app process has a pool of `GENBO_DATABASE_POOL_SIZE` connections, and a
    request keeps the one it took until it ends. A sign-in waiting for an identity provider
    that did not respond held one for up to `GENBO_SSO_TIMEOUT_SECONDS`, so ten such sign-ins
    left the other pages of the process without a connection. The next query takes one again.
    Inside a transaction the connection stays, because closing it would end the transaction.
    """
    if not connection.in_atomic_block:
        connection.close()
