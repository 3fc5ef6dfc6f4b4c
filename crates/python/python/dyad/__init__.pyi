import datetime
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union, overload

import pyarrow
import pandas

__version__: str
INPUT_COLUMNS: Tuple[str, ...]

_Record = Union[str, Dict[str, Any]]
_Date = Union[None, str, datetime.date]
_Dicts = Union[None, str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]]

class RecordError(ValueError):
    record: int
    id: Optional[str]
    kind: str
    reason: str
    def __init__(self, record: int, id: Optional[str], kind: str, reason: str) -> None: ...

def code(
    records: Iterable[_Record],
    date: _Date = None,
    dicts: _Dicts = None,
    *,
    threads: int = 0,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> List[Dict[str, Any]]: ...
def annotate(
    records: Iterable[_Record],
    *,
    with_text: bool = False,
    stages: Sequence[str] = ("tag", "parse", "ner"),
    threads: int = 0,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> List[Dict[str, Any]]: ...
def events_schema() -> pyarrow.Schema: ...
def provenance_columns() -> List[Tuple[str, str, bool, str]]: ...
@overload
def code_arrow(
    batch: pyarrow.RecordBatch,
    threads: int = 0,
    date: _Date = None,
    dicts: _Dicts = None,
    *,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> pyarrow.RecordBatch: ...
@overload
def code_arrow(
    batch: pyarrow.Table,
    threads: int = 0,
    date: _Date = None,
    dicts: _Dicts = None,
    *,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> pyarrow.Table: ...
def to_pandas(
    records: Union[pyarrow.RecordBatch, pyarrow.Table, pandas.DataFrame, Iterable[_Record]],
    **kwargs: Any,
) -> pandas.DataFrame: ...
def warm_up() -> None: ...
def _date_arg(date: _Date) -> Optional[str]: ...
