"""Reading observation files: real bytes on disk in each encoding, real workbooks, real zips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metroscope.observatory.parsing import (
    ImportFileError,
    ParsedFile,
    RawRecord,
    normalise_comma_decimal,
    normalise_dot_decimal,
    open_observations,
)
from metroscope.observatory.parsing import encoding as parsing_encoding

WB_PREAMBLE = (
    '"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-06-28",\n\n'
)


def write(tmp_path: Path, content: str | bytes, name: str = "upload.csv", **kwargs: str) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding=kwargs.get("encoding", "utf-8"), newline="")
    else:
        path.write_bytes(content)
    return path


def read_all(path: Path, **kwargs: int) -> tuple[ParsedFile, list[RawRecord]]:
    with open_observations(path, **kwargs) as parsed:
        return parsed, list(parsed.records)


def refusal(path: Path, **kwargs: int) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read_all(path, **kwargs)
    return caught.value


def workbook(tmp_path: Path, rows: list[list[object]], *, title: str = "Sheet") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / "upload.xlsx"
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, edit: Callable[[bytes], bytes]) -> None:
    """Copy the workbook into a new zip, passing `member` through `edit`."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, edit(data) if info.filename == member else data)


# --- delimited text ----------------------------------------------------------------------


def test_tidy_utf8_csv_gives_records_with_file_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "metro,indicator,year,value,unit,note\n"
        "barcelona-city,population,2019,1636762,persons,census\n"
        "\n"
        "  seoul , population , 2020 , 12.5 ,,\n",
    )
    parsed, records = read_all(path)
    assert (parsed.format, parsed.kind, parsed.encoding) == ("tidy", "csv", "utf-8")
    assert (parsed.delimiter, parsed.decimal) == (",", ".")
    assert parsed.header == ["metro", "indicator", "year", "value", "unit", "note"]
    assert records == [
        RawRecord(2, "value", "barcelona-city", "population", "2019", "1636762", unit="persons",
                  note="census"),
        RawRecord(4, "value", "seoul", "population", "2020", "12.5", note=""),
    ]  # fmt: skip


def test_tidy_flags_column_is_read_and_absent_columns_are_none(tmp_path: Path) -> None:
    """An absent note or flags column is None (keep what is held), an empty cell is ""."""
    with_columns = write(
        tmp_path,
        "metro,indicator,year,value,note,flags\n"
        'lyon,pop,2019,1,,"Projection, low coverage"\n'
        "nice,pop,2019,2,census,\n",
    )
    _, records = read_all(with_columns)
    assert [(r.note, r.flags) for r in records] == [
        ("", "Projection, low coverage"),
        ("census", ""),
    ]
    without = write(tmp_path, "metro,indicator,year,value\nlyon,pop,2019,1\n", "bare.csv")
    _, records = read_all(without)
    assert [(r.note, r.flags) for r in records] == [(None, None)]


def test_wide_rows_carry_their_note_and_flags_to_every_year(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "metro,indicator,flags,note,2030,2035\nlyon,pop,projection,UN WUP,1,2\nnice,pop,,,3,\n",
    )
    parsed, records = read_all(path)
    assert parsed.format == "wide"
    assert [(r.year, r.note, r.flags) for r in records] == [
        ("2030", "UN WUP", "projection"),
        ("2035", "UN WUP", "projection"),
        ("2030", "", ""),
    ]


def test_sdmx_has_no_flags_column(tmp_path: Path) -> None:
    """Eurostat's OBS_FLAG codes are not Metroscope's flags: SDMX files keep the flags held."""
    path = write(
        tmp_path,
        "STRUCTURE,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_FLAG,FLAGS\n"
        "dataflow,ES001C,POP,2019,5,p,projection\n",
    )
    _, records = read_all(path)
    assert [(r.note, r.flags) for r in records] == [(None, None)]


def test_records_are_frozen(tmp_path: Path) -> None:
    _, records = read_all(write(tmp_path, "metro,indicator,year,value\na,b,2019,1\n"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        records[0].value = "2"  # type: ignore[misc]


def test_tidy_header_aliases_and_empty_value(tmp_path: Path) -> None:
    path = write(tmp_path, "City,Indicator_Code,Time Period,VALUE,Country\nParis,pop,2019,,FRA\n")
    _, records = read_all(path)
    assert records == [RawRecord(2, "VALUE", "Paris", "pop", "2019", "", country="FRA")]


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffmetro,indicator,year,value\nSão Paulo,pop,2019,1\n")
    parsed, records = read_all(path)
    assert parsed.encoding == "utf-8-sig"
    assert records[0].metro == "São Paulo"


def test_latin1_with_accents(tmp_path: Path) -> None:
    text = "metro,indicator,year,value\nSão Paulo,pop,2019,1\nMéxico,pop,2019,2\n"
    parsed, records = read_all(write(tmp_path, text.encode("latin-1")))
    assert parsed.encoding == "latin-1"
    assert [r.metro for r in records] == ["São Paulo", "México"]


def test_windows_1252_punctuation(tmp_path: Path) -> None:
    text = "metro,indicator,year,value,note\nSão Paulo,pop,2019,1,“estimate” – city’s\n"
    parsed, records = read_all(write(tmp_path, text.encode("cp1252")))
    assert parsed.encoding == "cp1252"
    assert records[0].note == "“estimate” – city’s"


@pytest.mark.parametrize("chunk", [parsing_encoding.SCAN_CHUNK_BYTES, 5])
def test_mixed_encodings_name_both_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(parsing_encoding, "SCAN_CHUNK_BYTES", chunk)
    content = (
        b"metro,indicator,year,value\n"
        + "Bogotá,pop,2019,1\n".encode()
        + "Medellín,pop,2019,2\n".encode("latin-1")
    )
    error = refusal(write(tmp_path, content))
    assert error.row == 3
    assert error.reason == "mixed encodings: line 3 is not UTF-8 but line 2 is"


@pytest.mark.parametrize("chunk", [parsing_encoding.SCAN_CHUNK_BYTES, 5])
def test_mixed_encodings_latin1_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(parsing_encoding, "SCAN_CHUNK_BYTES", chunk)
    content = "metro,indicator,year,value\nMedellín,pop,2019,2\n".encode("latin-1")
    error = refusal(write(tmp_path, content + "a,b,2019,1\nBogotá,pop,2019,1\n".encode()))
    assert error.row == 2
    assert "line 2 is not UTF-8 but line 4 is" in str(error)


def test_utf8_sequences_split_across_scan_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsing_encoding, "SCAN_CHUNK_BYTES", 3)
    text = "metro,indicator,year,value\n" + "".join(f"Zürich€𝔸{i},pop,2019,{i}\n" for i in range(9))
    parsed, records = read_all(write(tmp_path, text))
    assert parsed.encoding == "utf-8"
    assert records[8].metro == "Zürich€𝔸8"


def test_semicolon_with_decimal_comma(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "metro;indicator;year;value\n"
        "barcelona;gdp;2019;1.234,5\n"
        "madrid;gdp;2019;2\u00a0345\u00a0678,25\n"
        "sevilla;gdp;2019;-0,5\n"
        "bilbao;gdp;2019;n.d.\n",
    )
    parsed, records = read_all(path)
    assert (parsed.delimiter, parsed.decimal) == (";", ",")
    assert [r.value for r in records] == ["1234.5", "2345678.25", "-0.5", "n.d."]


def test_semicolon_without_commas_keeps_decimal_point(tmp_path: Path) -> None:
    parsed, records = read_all(write(tmp_path, "metro;indicator;year;value\na;b;2019;1.5\n"))
    assert parsed.decimal == "."
    assert records[0].value == "1.5"


def test_tab_delimited(tmp_path: Path) -> None:
    path = write(tmp_path, "metro\tindicator\tyear\tvalue\tsex\nlyon\tpop\t2019\t3,5\tF\n")
    parsed, records = read_all(path)
    assert (parsed.delimiter, parsed.decimal) == ("\t", ",")
    assert records == [RawRecord(2, "value", "lyon", "pop", "2019", "3.5", sex="F")]


def test_comma_thousands_in_quoted_value(tmp_path: Path) -> None:
    path = write(tmp_path, 'metro,indicator,year,value\nlyon,pop,2019,"1,234.5"\n')
    assert read_all(path)[1][0].value == "1234.5"


def test_multi_line_cell_counts_from_its_first_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'metro,indicator,year,value,note\na,b,2019,1,"two\nlines"\nc,d,2020,2,\n',
    )
    _, records = read_all(path)
    assert [(r.row, r.note) for r in records] == [(2, "two\nlines"), (4, "")]


def test_row_spilling_past_the_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "metro,indicator,year,value\nWashington, D.C.,pop,2019,1\n")
    error = refusal(path)
    assert error.row == 2
    assert "5 fields but the header has 4" in error.reason


# --- wide and SDMX layouts ---------------------------------------------------------------


def test_world_bank_download_with_preamble(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        WB_PREAMBLE
        + '"Country Name","Country Code","Indicator Name","Indicator Code","2018","2019",\n'
        + '"Aruba","ABW","Population, total","SP.POP.TOTL","105962","..",\n'
        + '"Chile","CHL","Population, total","SP.POP.TOTL","","18952038",\n',
    )
    parsed, records = read_all(path)
    assert (parsed.format, parsed.decimal) == ("wide", ".")
    assert records == [
        RawRecord(6, "2018", "Aruba", "SP.POP.TOTL", "2018", "105962", country="ABW"),
        RawRecord(7, "2019", "Chile", "SP.POP.TOTL", "2019", "18952038", country="CHL"),
    ]


def test_wdi_databank_year_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Country Name,Country Code,Series Name,Series Code,2019 [YR2019],2020 [YR2020]\n"
        "Spain,ESP,Urban population,SP.URB.TOTL,39000000,..\n",
    )
    _, records = read_all(path)
    assert records == [
        RawRecord(2, "2019 [YR2019]", "Spain", "SP.URB.TOTL", "2019", "39000000", country="ESP")
    ]


def test_wide_prefers_a_metro_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Country,City,Indicator,Unit,2020\nFR,Lyon,pop,persons,NA\nFR,Nice,pop,,7\n"
    )
    _, records = read_all(path)
    assert records == [RawRecord(3, "2020", "Nice", "pop", "2020", "7", country="FR")]


def test_sdmx_csv_1_with_labels(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "DATAFLOW,REF_AREA: Reference area,MEASURE: Measure,SEX: Sex,TIME_PERIOD: Time period,"
        "OBS_VALUE,UNIT_MEASURE: Unit of measure,OBS_COMMENT\n"
        "OECD.CFE:DSD_FUA(1.0): Cities,ES001F: Madrid,POP: Population,F: Female,2019,"
        "3300000,PS: Persons,estimate: provisional\n",
    )
    parsed, records = read_all(path)
    assert parsed.format == "sdmx"
    assert records == [
        RawRecord(2, "OBS_VALUE", "ES001F", "POP", "2019", "3300000", sex="F", unit="PS",
                  note="estimate: provisional"),
    ]  # fmt: skip


def test_sdmx_csv_2_with_action_and_annual_periods(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,CITY,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
        "dataflow,ESTAT:URB_CPOP1(1.0),I,ESP: Spain,ES001C: Madrid,DE1001V,2019-A1,3266126\n"
        "dataflow,ESTAT:URB_CPOP1(1.0),I,ESP: Spain,ES001C: Madrid,DE1001V,2019-Q1,1\n",
    )
    parsed, records = read_all(path)
    assert parsed.format == "sdmx"
    assert records == [
        RawRecord(2, "OBS_VALUE", "ES001C", "DE1001V", "2019", "3266126", country="ESP"),
        RawRecord(3, "OBS_VALUE", "ES001C", "DE1001V", "2019-Q1", "1", country="ESP"),
    ]


def test_sdmx_columns_without_the_structure_column(tmp_path: Path) -> None:
    path = write(tmp_path, "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nES001C,POP,2019-Y,5\n")
    parsed, records = read_all(path)
    assert parsed.format == "sdmx"
    assert records == [RawRecord(2, "OBS_VALUE", "ES001C", "POP", "2019", "5")]


def test_sdmx_delete_action_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
        "dataflow,X:Y(1.0),D,ES001C,POP,2019,\n",
    )
    error = refusal(path)
    assert (error.row, error.column) == (2, "ACTION")


# --- whole-file refusals -----------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \n\r\n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert refusal(write(tmp_path, content)).reason == "the file is empty"


def test_utf16_text_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "metro\tindicator\tyear\tvalue\n".encode("utf-16")))
    assert error.reason == "UTF-16 text is not supported, save as UTF-8 CSV"


def test_header_without_data_rows(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "metro,indicator,year,value\n\n"))
    assert str(error) == "row 1: the file has a header but no data rows"


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "metro,year,value\na,2019,1\n"))
    assert error.row == 1
    assert "indicator (one of: indicator, indicator_code)" in error.reason
    assert "metro (" not in error.reason


def test_unrecognisable_header_lists_what_was_found(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "place,what,amount\na,b,1\n"))
    assert error.row == 1
    assert "found columns 'place', 'what', 'amount'" in error.reason
    assert "SDMX-CSV" in error.reason


def test_old_xls_is_refused(tmp_path: Path) -> None:
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    error = refusal(write(tmp_path, content, name="upload.xls"))
    assert error.reason == "old .xls not supported, save as .xlsx or CSV"


def test_file_over_the_size_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "metro,indicator,year,value\n" + "a,b,2019,1\n" * 200_000)
    error = refusal(path, max_bytes=1 << 20)
    assert error.reason == "the file is 2.1 MB (2,200,027 bytes), more than the limit of 1.0 MB"


def test_records_are_read_lazily(tmp_path: Path) -> None:
    path = write(tmp_path, "metro,indicator,year,value\na,b,2019,1\na,b,2020,2\n")
    with open_observations(path) as parsed:
        assert isinstance(parsed.records, Iterator)
        assert not isinstance(parsed.records, list)
        assert next(parsed.records).year == "2019"
        assert next(parsed.records).year == "2020"
        assert next(parsed.records, None) is None


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_tidy(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["Metro", "Indicator", "Year", "Value", "Note"],
            ["barcelona-city", "population", 2019, 1636762, None],
            [None, None, None, None, None],
            ["  seoul ", "gdp", 2020.0, 12.5, "  provisional "],
            ["lyon", "gdp", 2021, 0.1, dt.date(2024, 1, 31), None, "a note beside the table"],
        ],
    )
    parsed, records = read_all(path)
    assert (parsed.kind, parsed.format, parsed.encoding, parsed.delimiter) == (
        "xlsx", "tidy", None, None,
    )  # fmt: skip
    assert records == [
        RawRecord(2, "Value", "barcelona-city", "population", "2019", "1636762", note=""),
        RawRecord(4, "Value", "seoul", "gdp", "2020", "12.5", note="provisional"),
        RawRecord(5, "Value", "lyon", "gdp", "2021", "0.1", note="2024-01-31"),
    ]


def test_xlsx_wide_from_the_data_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.append(["This sheet holds notes"])
    data = book.create_sheet("Data")
    data.append(["Data Source", "World Development Indicators"])
    data.append([])
    data.append(["Country Name", "Country Code", "Indicator Code", "2019", "2020"])
    data.append(["Chile", "CHL", "SP.POP.TOTL", 18952038, ".."])
    path = tmp_path / "wide.xlsx"
    book.save(path)
    parsed, records = read_all(path)
    assert parsed.format == "wide"
    assert records == [RawRecord(4, "2019", "Chile", "SP.POP.TOTL", "2019", "18952038", "CHL")]


def test_xlsx_extension_on_something_else(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "metro,indicator\n", name="upload.xlsx"))
    assert error.reason.startswith("not a readable .xlsx workbook")


def test_zip_bomb_by_total_size(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 600_000)
    error = refusal(path, max_xlsx_uncompressed=500_000)
    assert error.reason == "the workbook unpacks to 0.6 MB, more than the limit of 0.5 MB"


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", b"\0" * (4 << 20))
    error = refusal(path)
    assert "'xl/media/image1.png' is compressed" in error.reason
    assert "refused as a possible zip bomb" in error.reason


SHEET = "xl/worksheets/sheet1.xml"
ENTITY = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def test_xlsx_with_external_entity_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, [["metro", "indicator", "year", "value"], ["a", "b", 2019, 1]])
    rewrite_member(path, SHEET, lambda xml: ENTITY + xml.replace(b"<t>a</t>", b"<t>&e;</t>"))
    error = refusal(path)
    assert error.reason == "the workbook contains XML entity declarations; refused for safety"


def test_entity_hidden_past_the_prescan_is_caught_by_defusedxml(tmp_path: Path) -> None:
    path = workbook(tmp_path, [["metro", "indicator", "year", "value"], ["a", "b", 2019, 1]])
    padding = b"<!--" + b"x" * 70_000 + b"-->"
    rewrite_member(
        path, SHEET, lambda xml: padding + ENTITY + xml.replace(b"<t>a</t>", b"<t>&e;</t>")
    )
    error = refusal(path)
    assert error.reason == "the workbook contains XML entity declarations; refused for safety"


# --- decimal normalisation ---------------------------------------------------------------


@given(
    number=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    digits=st.integers(min_value=0, max_value=6),
    group=st.sampled_from([".", " ", "\u00a0", "\u202f"]),
)
def test_decimal_comma_with_thousands_round_trips(number: float, digits: int, group: str) -> None:
    english = f"{number:,.{digits}f}"  # "1,234,567.891"
    european = english.replace(",", "\0").replace(".", ",").replace("\0", group)
    plain = f"{number:.{digits}f}"
    assert normalise_comma_decimal(european) == plain
    assert normalise_dot_decimal(english) == plain


@pytest.mark.parametrize("text", ["n.d.", "12,5%", "1.23.4", "", "abc", "2019-Q1"])
def test_text_that_is_not_a_number_is_left_alone(text: str) -> None:
    assert normalise_comma_decimal(text) == text
    assert normalise_dot_decimal(text) == text
