"""Check one article: fetch → archive → extract → compare → store.

`check_article` is the unit of work whatever runs it (the local asyncio runner today,
procrastinate workers in scale-out). The network part is async; the CPU part (extraction,
comparison) and the database writes run in the runner's processing thread so they never
block the event loop.
"""

from scrubwatch.pipeline.check import check_article
from scrubwatch.pipeline.chrome import ChromeModels
from scrubwatch.pipeline.probe import NotFoundProbes
from scrubwatch.pipeline.services import CheckResult, Services

__all__ = ["CheckResult", "ChromeModels", "NotFoundProbes", "Services", "check_article"]
