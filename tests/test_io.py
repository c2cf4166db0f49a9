"""Reading many small Parquet tables at once."""

import pandas as pd

from assistmed.io import read_parquet_stack


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
