"""The uvicorn worker class for gunicorn: `gunicorn -k genbo.workers.UvicornWorker`."""

from uvicorn_worker import UvicornWorker as BaseUvicornWorker

from genbo.server import HttpProtocol


class UvicornWorker(BaseUvicornWorker):
    """uvicorn's worker for gunicorn, with GENBO's HTTP protocol."""

    CONFIG_KWARGS = {**BaseUvicornWorker.CONFIG_KWARGS, "http": HttpProtocol}
