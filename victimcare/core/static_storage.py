"""Static files for production: whitenoise's compressed, hashed (manifest) storage, compressed with gzip
only. The production image installs no brotli, so this is what it served anyway; saying so here keeps
collectstatic the same wherever brotli happens to be installed (the dev extra brings it, through locust),
where brotli at whitenoise's quality 11 made collectstatic take 275 s instead of 13 s on 2 cores."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs):
        return super().create_compressor(**{**kwargs, "use_brotli": False})
