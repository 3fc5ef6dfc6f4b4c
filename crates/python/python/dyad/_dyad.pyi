# The native module (crates/python/src/lib.rs); use the wrappers in dyad/__init__.py.
from typing import List, Optional, Sequence, Tuple

__version__: str

# (id, error kind, error message, JSON lines) per input record.
_Outcome = Tuple[Optional[str], Optional[str], Optional[str], bytes]

class ArrowBatch:
    @property
    def num_rows(self) -> Optional[int]: ...
    def __arrow_c_array__(self, requested_schema: object = None) -> Tuple[object, object]: ...

class ArrowSchema:
    def __arrow_c_schema__(self) -> object: ...

def code_jsonl(
    data: bytes,
    date: Optional[str] = None,
    dicts: Sequence[str] = ...,
    threads: int = 0,
    require_target: bool = False,
    max_article_bytes: int = 2_000_000,
) -> List[_Outcome]: ...
def annotate_jsonl(
    data: bytes,
    with_text: bool = False,
    tag: bool = True,
    parse: bool = True,
    ner: bool = True,
    threads: int = 0,
    max_article_bytes: int = 2_000_000,
) -> List[_Outcome]: ...
def code_arrow(
    batch: object,
    date: Optional[str] = None,
    dicts: Sequence[str] = ...,
    threads: int = 0,
    require_target: bool = False,
    skip_errors: bool = False,
    max_article_bytes: int = 2_000_000,
) -> ArrowBatch: ...
def events_schema() -> ArrowSchema: ...
def provenance_columns() -> List[Tuple[str, str, bool, str]]: ...
def warm_up() -> None: ...
