"""dyad: news articles in, political events out (CAMEO-coded, with provenance).

The models and dictionaries are inside the package; nothing is downloaded. Coding runs in
native code with the GIL released, on all cores by default (``threads=0``).

- :func:`code` and :func:`annotate` take strings or article dicts and return what ``dyad code``
  and ``dyad annotate`` print, one dict per JSON line.
- :func:`code_arrow` codes a ``pyarrow.RecordBatch`` of articles into a batch of events (GDELT
  2.0's 61 Events columns plus spans and provenance; :func:`events_schema`), without a Python
  object per row. :func:`to_pandas` gives the same as a DataFrame.
- :mod:`dyad.spark` runs :func:`code_arrow` on a Spark DataFrame with ``mapInArrow``.

pyarrow is needed only for the Arrow functions (``pip install dyad[arrow]``).
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from . import _dyad

__all__ = [
    "RecordError",
    "annotate",
    "code",
    "code_arrow",
    "events_schema",
    "provenance_columns",
    "to_pandas",
    "warm_up",
    "__version__",
]

__version__: str = _dyad.__version__

#: The input columns :func:`code_arrow` reads; ``text`` is required.
INPUT_COLUMNS = ("id", "date", "text", "url", "source", "title")

_ERRORS = ("raise", "skip", "keep")


class RecordError(ValueError):
    """A record that could not be read or coded.

    ``record`` is its 0-based position in the input (the row, for a batch), ``id`` its id when
    it has one, ``kind`` the stable error kind (``empty``, ``oversize``, ``malformed-json``,
    ``no-date``...) and ``reason`` the explanation. The message reads
    ``record 3 (id a7): field `text` holds no text``.
    """

    def __init__(self, record: int, id: Optional[str], kind: str, reason: str) -> None:
        self.record = record
        self.id = id
        self.kind = kind
        self.reason = reason
        where = f"record {record}" if id is None else f"record {record} (id {id})"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):  # picklable, so that it crosses Spark's worker boundary intact
        return (type(self), (self.record, self.id, self.kind, self.reason))


def _date_arg(date: Union[None, str, _dt.date]) -> Optional[str]:
    if date is None or isinstance(date, str):
        return date
    if isinstance(date, _dt.date):
        return date.strftime("%Y-%m-%d")
    raise TypeError(f"date must be a str or datetime.date, not {type(date).__name__}")


def _dicts_arg(dicts: Union[None, str, "_os.PathLike[str]", Sequence[Any]]) -> List[str]:
    if dicts is None:
        return []
    if isinstance(dicts, (str, _os.PathLike)):
        dicts = [dicts]
    return [_os.fspath(p) for p in dicts]


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} is not JSON serializable")


def _jsonl(records: Iterable[Union[str, Dict[str, Any]]]) -> bytes:
    """The records as JSON lines, the input ``dyad code`` reads: a string is an article with
    that text; a dict has the JSONL fields (``id``, ``date``, ``text``, ``url``, ``source``,
    ``title``, others kept)."""
    if isinstance(records, (str, dict)):
        raise TypeError("expected a list of strings or dicts; wrap a single one in a list")
    lines = []
    for i, r in enumerate(records):
        if isinstance(r, str):
            r = {"text": r}
        elif not isinstance(r, dict):
            raise TypeError(f"record {i}: expected a str or a dict, not {type(r).__name__}")
        lines.append(_json.dumps(r, ensure_ascii=False, default=_json_default))
    return "\n".join(lines).encode("utf-8")


def _collect(outcomes, errors: str, on_error_line=None) -> List[Dict[str, Any]]:
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {', '.join(_ERRORS)}, not {errors!r}")
    out: List[Dict[str, Any]] = []
    for i, (id, kind, message, lines) in enumerate(outcomes):
        if kind is not None:
            if errors == "raise":
                if kind == "no-date":
                    message = "the article has no date: give it a `date` or pass date='YYYY-MM-DD'"
                raise RecordError(i, id, kind, message)
            if errors == "skip":
                continue
        out.extend(_json.loads(line) for line in lines.splitlines())
    return out


def code(
    records: Iterable[Union[str, Dict[str, Any]]],
    date: Union[None, str, _dt.date] = None,
    dicts: Union[None, str, "_os.PathLike[str]", Sequence[Any]] = None,
    *,
    threads: int = 0,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> List[Dict[str, Any]]:
    """Codes articles; returns one dict per event, exactly as ``dyad code`` prints them.

    ``records``: strings (article texts) or dicts with the JSONL fields ``id``, ``date``,
    ``text`` and optionally ``url``, ``source``, ``title``. An article without ``id`` is called
    ``records:N`` (N its 1-based position), as the JSONL reader names lines.
    ``date``: the date of articles without one (``--date``). ``dicts``: dictionary files or
    folders instead of the built-in ones (``--dicts``). ``threads``: 0 for one per core.
    ``require_target``: drop events without a target.
    ``errors``: ``"raise"`` a :class:`RecordError` for the first record that cannot be read or
    coded (no text, no date...), ``"skip"`` it, or ``"keep"`` the CLI's error records in the
    list (``{"error": "no-date", ...}``; for an unreadable record, the ``--errors`` record).
    """
    data = _jsonl(records)
    outcomes = _dyad.code_jsonl(
        data, _date_arg(date), _dicts_arg(dicts), threads, require_target, max_article_bytes
    )
    return _collect(outcomes, errors)


def annotate(
    records: Iterable[Union[str, Dict[str, Any]]],
    *,
    with_text: bool = False,
    stages: Sequence[str] = ("tag", "parse", "ner"),
    threads: int = 0,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> List[Dict[str, Any]]:
    """Annotates articles; returns one dict per article, as ``dyad annotate`` prints them:
    sentences, tokens (byte spans, UPOS, Penn tag, lemma, head, relation) and entities.

    ``stages``: the statistical stages after segmentation, a subset of ``tag``, ``parse``,
    ``ner`` (``()`` for segmentation only). Records and ``errors`` as in :func:`code`.
    """
    if isinstance(stages, str):
        stages = [s for s in stages.split(",") if s and s != "none"]
    unknown = set(stages) - {"tag", "parse", "ner"}
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(sorted(unknown))}: use tag, parse, ner")
    outcomes = _dyad.annotate_jsonl(
        _jsonl(records),
        with_text,
        "tag" in stages,
        "parse" in stages,
        "ner" in stages,
        threads,
        max_article_bytes,
    )
    return _collect(outcomes, errors)


def _pyarrow():
    try:
        import pyarrow
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "dyad's Arrow functions need pyarrow 14 or later: pip install 'dyad[arrow]'"
        ) from e
    return pyarrow


def events_schema():
    """The ``pyarrow.Schema`` of :func:`code_arrow`'s batches: GDELT 2.0's 61 Events columns
    (INTEGER as int64, FLOAT as float64, STRING as string; empty fields null), then the
    provenance columns of :func:`provenance_columns`."""
    return _pyarrow().schema(_dyad.events_schema())


def provenance_columns() -> List[tuple]:
    """The columns after GDELT's 61: ``(name, type, nullable, description)``."""
    return list(_dyad.provenance_columns())


def code_arrow(
    batch: Any,
    threads: int = 0,
    date: Union[None, str, _dt.date] = None,
    dicts: Union[None, str, "_os.PathLike[str]", Sequence[Any]] = None,
    *,
    require_target: bool = False,
    errors: str = "raise",
    max_article_bytes: int = 2_000_000,
) -> Any:
    """Codes a ``pyarrow.RecordBatch`` of articles; returns a ``pyarrow.RecordBatch`` with one
    row per event (a ``pyarrow.Table`` in gives a ``Table`` out).

    Input columns, by name (others are ignored): ``text`` (string, required), ``id`` (string
    or integer; null: ``batch:N``, N the 1-based row), ``date`` (ISO string, ``YYYYMMDD``,
    date32 or date64; else ``date``), ``url``, ``source``, ``title`` (strings). The batch
    crosses into native code by Arrow's C data interface, without a Python object per row, and
    is coded on ``threads`` threads (0: one per core) with the GIL released.

    Output: :func:`events_schema`. ``errors``: ``"raise"`` (a :class:`RecordError` naming the
    row) or ``"skip"`` rows that cannot be read or coded.
    """
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be 'raise' or 'skip' for code_arrow, not {errors!r}")
    pa = _pyarrow()
    if isinstance(batch, pa.Table):
        batches = [
            code_arrow(b, threads, date, dicts, require_target=require_target, errors=errors,
                       max_article_bytes=max_article_bytes)
            for b in batch.to_batches()
        ]
        return pa.Table.from_batches(batches, schema=events_schema())
    coded = _dyad.code_arrow(
        batch,
        _date_arg(date),
        _dicts_arg(dicts),
        threads,
        require_target,
        errors == "skip",
        max_article_bytes,
    )
    return pa.record_batch(coded)


def _records_table(records: Iterable[Union[str, Dict[str, Any]]]):
    pa = _pyarrow()
    rows = []
    for i, r in enumerate(records):
        if isinstance(r, str):
            r = {"text": r}
        elif not isinstance(r, dict):
            raise TypeError(f"record {i}: expected a str or a dict, not {type(r).__name__}")
        rows.append({k: r.get(k) for k in INPUT_COLUMNS})
    columns = {k: [row[k] for row in rows] for k in INPUT_COLUMNS}
    columns = {k: v for k, v in columns.items() if k == "text" or any(x is not None for x in v)}
    return pa.table(columns)


def to_pandas(records: Any, **kwargs: Any):
    """The events of ``records`` as a pandas DataFrame with :func:`code_arrow`'s columns.

    ``records``: a ``pyarrow.RecordBatch`` or ``Table``, a pandas DataFrame with the input
    columns, or strings and dicts as for :func:`code`. Keywords as for :func:`code_arrow`.
    """
    pa = _pyarrow()
    if isinstance(records, (pa.RecordBatch, pa.Table)):
        table = records
    elif type(records).__name__ == "DataFrame" and hasattr(records, "columns"):
        table = pa.Table.from_pandas(records, preserve_index=False)
    else:
        table = _records_table(records)
    coded = code_arrow(table, **kwargs)
    return coded.to_pandas()


def warm_up() -> None:
    """Loads the models and built-in dictionaries now (a second or two) instead of on the
    first call; they stay loaded for the life of the process."""
    _dyad.warm_up()
