"""Typing one cell, kind by kind."""

import datetime as dt

import pytest

from generator.check.cells import (
    CellError,
    parse_bool,
    parse_date,
    parse_id,
    parse_integer,
    parse_list,
    parse_uscc,
)
from generator.schema import Field


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2022-07-01", dt.date(2022, 7, 1)),
        ("2022/7/1", dt.date(2022, 7, 1)),
        ("2022.7.1", dt.date(2022, 7, 1)),
        ("2022年7月1日", dt.date(2022, 7, 1)),
        ("２０２２－０７－０１", dt.date(2022, 7, 1)),
        (44743.0, dt.date(2022, 7, 1)),
        (dt.datetime(2022, 7, 1, 0, 0), dt.date(2022, 7, 1)),
        ("2022-07-01 00:00:00", dt.date(2022, 7, 1)),
    ],
)
def test_dates_accepted(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [("01/07/2022", "date_ambiguous"), ("7/1/2022", "date_ambiguous"), ("2022-02-30", "date_invalid"),
     ("明天", "date_type"), (True, "date_type"), (12.0, "date_type")],
)
def test_dates_rejected(raw, code):
    with pytest.raises(CellError) as err:
        parse_date(raw)
    assert err.value.code == code


def test_ids_from_numbers_and_text():
    assert parse_id(1001.0) == "1001"
    assert parse_id("0012") == "0012"
    assert parse_id("Ｄ０１") == "D01"
    with pytest.raises(CellError):
        parse_id(10.5)


@pytest.mark.parametrize("raw, expected", [("是", True), ("否", False), ("Y", True), ("n", False),
                                           ("TRUE", True), ("0", False), (1.0, True), (False, False)])
def test_booleans(raw, expected):
    assert parse_bool(raw) is expected


def test_integer_from_fullwidth_text():
    assert parse_integer("３") == 3


def test_list_cells_split_and_checked():
    f = Field(name="towns", title="服务镇街", kind="list", enum=("白泉镇", "金塘镇", "解放街道"))
    seps = ("、", "，", ",", "；", ";", "\n")
    assert parse_list("白泉镇、金塘镇;解放街道\n白泉镇", f, seps) == ("白泉镇", "金塘镇", "解放街道")
    with pytest.raises(CellError) as err:
        parse_list("白泉镇、火星镇", f, seps)
    assert err.value.params["item"] == "火星镇"


def test_uscc_check_character():
    from stdnum.cn import uscc

    good = "91330902MA2A0000" + "1"
    good = good[:17] + uscc.calc_check_digit(good[:17])
    assert parse_uscc(good.lower()) == good
    with pytest.raises(CellError) as err:
        parse_uscc("91330902MA2A0000")
    assert err.value.code == "uscc_length"
