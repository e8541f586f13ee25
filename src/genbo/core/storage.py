"""Static files as in production, with each file's address worked out once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage of collected, compressed files named after their content.

    Every page's head links four or five static files. Under load, looking up their hashed
    names and building their addresses took about 4 % of the thread page's samples in a
    py-spy profile. The manifest does not change while the process runs, apart from
    collectstatic in the same process, which writes a new one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        address = self._urls.get(name)
        if address is None:
            address = self._urls[name] = super().url(name)
        return address

    def save_manifest(self):
        super().save_manifest()
        self._urls.clear()
