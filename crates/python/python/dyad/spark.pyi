import datetime
from typing import Optional, Sequence, Union

from pyspark.sql import DataFrame
from pyspark.sql.types import StructType

DEFAULT_BATCH_SIZE: int

def schema() -> StructType: ...
def code(
    df: DataFrame,
    batch_size: int = 256,
    threads: int = 1,
    date: Union[None, str, datetime.date] = None,
    dicts: Optional[Sequence[str]] = None,
    *,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> DataFrame: ...
