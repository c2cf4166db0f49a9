"""The codebooks for sharing: the « dictionnaire des variables » and the Data Package of the clean tables."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from assistmed.clean import clean_file
from assistmed.dictionary import write_data_package, write_dictionary
from assistmed.ingest import ingest_file
from tests.quality.test_quality import HEADER, ROWS

ROOT = Path(__file__).resolve().parents[2]
CODEBOOKS = [ROOT / f"resources/codebooks/{name}.yaml" for name in ("patients", "gps", "interviews")]
# Table Schema type of each Arrow type a clean table holds.
TABLE_SCHEMA_TYPES = {"string": "string", "large_string": "string", "int64": "integer", "double": "number",
                      "bool": "boolean", "timestamp[ns]": "datetime"}


@pytest.fixture(scope="module")
def dictionary(tmp_path_factory):
    path = tmp_path_factory.mktemp("dictionary") / "dictionnaire.xlsx"
    write_dictionary(CODEBOOKS, path)
    return path


def test_the_dictionary_lists_every_variable_with_its_label_type_codes_and_missing_codes(dictionary):
    rows = list(load_workbook(dictionary)["Variables"].iter_rows(min_row=2, values_only=True))
    sex = next(r for r in rows if r[1] == "sex")
    assert sex[2:6] == ("Sexe", "Sex", "qualitative (un seul choix)", "1 = Homme [male] ; 2 = Femme [female]")
    assert sex[7] == "vide, NSP, NR, NA, N/A, ?, 9, 99, -"
    phone = next(r for r in rows if r[1] == "contact_phone")
    assert phone[10] == "oui (restreinte)"
    assert len({r[0] for r in rows}) == 3  # the three codebooks


def test_the_dictionary_defines_every_indicator_in_words(dictionary):
    rows = list(load_workbook(dictionary)["Indicateurs"].iter_rows(min_row=2, values_only=True))
    female = next(r for r in rows if r[1] == "female")
    assert female[4] == "Sexe : « Femme » — parmi les répondants ayant répondu à la question"


def test_the_dictionary_is_byte_reproducible(dictionary, tmp_path):
    write_dictionary(CODEBOOKS, tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == dictionary.read_bytes()


@pytest.fixture
def package(tmp_path):
    raw = tmp_path / "cab.csv"
    raw.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    ingest_file(raw, tmp_path / "ingested.parquet", codebook_path=CODEBOOKS[0])
    clean = tmp_path / "patients/clean/cab.parquet"
    clean_file(tmp_path / "ingested.parquet", clean, tmp_path / "rejects.parquet", codebook_path=CODEBOOKS[0],
               extra_columns={"region": "r", "practice": "cab"})
    write_data_package([clean], CODEBOOKS[0], tmp_path / "datapackage.json", region="r", title="Région R",
                       practice_labels={"cab": "Cabinet A"})
    return tmp_path, json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))


def test_the_data_package_describes_every_column_of_the_clean_parquet_with_its_type(package):
    folder, descriptor = package
    (resource,) = descriptor["resources"]
    assert resource["path"] == "patients/clean/cab.parquet" and resource["title"] == "Cabinet A"
    schema = pq.read_schema(folder / resource["path"])
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == schema.names
    for field in fields:
        arrow = schema.field(field["name"]).type
        expected = "string" if pa.types.is_dictionary(arrow) else TABLE_SCHEMA_TYPES[str(arrow)]
        assert field["type"] == expected, field["name"]
    opinion = next(f for f in fields if f["name"] == "overall_opinion")
    categories = pq.read_table(folder / resource["path"]).column("overall_opinion").combine_chunks().dictionary
    assert opinion["constraints"]["enum"] == categories.to_pylist()
    assert opinion["categoriesOrdered"] is True
    assert not {"contact_name", "contact_phone", "contact_email"} & {f["name"] for f in fields}


def test_the_data_package_gives_each_file_size_and_checksum(package):
    folder, descriptor = package
    (resource,) = descriptor["resources"]
    data = (folder / resource["path"]).read_bytes()
    assert resource["bytes"] == len(data)
    assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
