"""Run the DfE SSDA903 rules (csc-validator-be-903) on a folder of 903 CSV files; print JSON.

Runs under the validator's own interpreter (.venv-903/bin/python), never inside Django: the
package pins old pandas and numpy, logs globally, prints DataFrames from some rules and writes
files into its working directory, so the caller runs this in a scratch directory and reads only
the last line of standard output.

    python runner.py THIS_YEAR_DIR YEAR LA_CODE [PREVIOUS_YEAR_DIR]

Output (one JSON line): {"errors": [{"child", "table", "row", "code", "message", "fields"}],
"rules": n, "ran": n, "skipped": [...], "failed": [...], "rows": {table: n}, "seconds": s}
"""

import contextlib
import glob
import io
import json
import logging
import sys
import time


def main(argv):
    started = time.perf_counter()
    folder, year, authority = argv[1], argv[2], argv[3]
    previous = argv[4] if len(argv) > 4 else None
    logging.disable(logging.CRITICAL)
    noise = io.StringIO()
    with contextlib.redirect_stdout(noise):
        from lac_validator.lac_validator import LacValidator
        from lac_validator.rules.ruleset_utils import get_year_ruleset
        from lac_validator.utils import process_uploaded_files

        logging.disable(logging.CRITICAL)  # the package calls basicConfig on import
        files = process_uploaded_files(
            {
                "This year": sorted(glob.glob(f"{folder}/*.csv")),
                "Prev year": sorted(glob.glob(f"{previous}/*.csv")) if previous else [],
            }
        )
        registry = get_year_ruleset(year)
        validator = LacValidator(
            metadata={"collectionYear": year, "localAuthority": authority},
            files=files,
            registry=registry,
            selected_rules=None,
        )
    errors = []
    for table, frame in validator.ds_results.items():
        if table == "metadata" or table.endswith("_last"):
            continue
        for column in [c for c in frame.columns if c.startswith("ERR_")]:
            code = column[4:]
            rule = registry[code]
            for row_id in frame.index[frame[column].fillna(False).astype(bool)]:
                errors.append(
                    {
                        "child": str(frame.at[row_id, "CHILD"]),
                        "table": table,
                        "row": int(row_id),
                        "code": code,
                        "message": rule.message,
                        "fields": list(rule.affected_fields or []),
                    }
                )
    print(
        json.dumps(
            {
                "errors": errors,
                "rules": len(registry),
                "ran": len(validator.dones),
                "skipped": sorted(validator.skips),
                "failed": sorted(str(f) for f in validator.fails),
                "rows": {k: int(len(v)) for k, v in validator.dfs.items() if k != "metadata"},
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
