"""What each finding says, by code: the problem and how to fix it.

Ids are English; ``locale/zh.po`` holds the Chinese staff read by default.
Parameters: {value}, {column}, {sheet}, and those a rule adds.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..i18n import _, get_language


def _catalogue() -> dict[str, tuple[str, str]]:
    return {
        # source and sheet level
        "duplicate_tab": (_("The tab {sheet} is in two sources ({first} and {second})"), _("Keep the tab in one source only.")),
        "missing_sheet": (_("The required sheet {sheet} is missing"), _("Add a tab named {sheet} with its header row (the template has it).")),
        "empty_sheet": (_("The sheet {sheet} has no header row"), _("Put the column headers in row 1.")),
        "no_rows": (_("The sheet {sheet} has a header but no rows"), _("Fill in its rows; nothing to do if it is empty on purpose.")),
        "missing_column": (_("Required column {column} is missing from the header row"), _("Add a column headed {column} in row 1.")),
        "duplicate_column": (_("Column {column} appears twice in the header row (also at {other})"), _("Delete or rename one of the two columns.")),
        "unknown_column": (_("Column {column} is not part of the sheet and is ignored"), _("Nothing to do if it is a helper column; otherwise check its spelling.")),
        "blank_header": (_("A column with data has no header and is ignored"), _("Give the column a header or clear its cells.")),
        "beyond_header": (_("The row has a cell beyond the last of the {width} headers"), _("Check the row for a comma too many, or give the column a header.")),
        "merged_header": (_("The header row has merged cells"), _("Unmerge the cells of row 1 so that each column has its own header.")),
        # cells
        "required": (_("{column} is required but the cell is empty"), _("Fill in {column}.")),
        "formula_error": (_("The cell shows the formula error {value}"), _("Fix the formula or type the value.")),
        "formula_uncalculated": (_("The cell holds the formula {value} but no saved result"), _("Open the file in Excel or WPS and save it again, or type the value.")),
        "too_long": (_("The cell holds {length} characters, more than the {limit} allowed"), _("Check what was pasted into the cell; keep only what belongs there.")),
        "id_type": (_("{value} is not a valid code"), _("Type the code as text, e.g. D01 or 1001.")),
        "id_space": (_("The code {value} contains spaces or invisible characters"), _("Retype the code without spaces.")),
        "control_chars": (_("The text contains invisible control characters"), _("Retype the text or paste it as plain text.")),
        "date_type": (_("{value} is not a date"), _("Type a date such as 2022-07-01, or use a date cell.")),
        "date_invalid": (_("{value} is not a real calendar date"), _("Check the month and day.")),
        "date_ambiguous": (_("{value} is ambiguous: day and month cannot be told apart"), _("Type the year first, e.g. 2022-07-01.")),
        "date_out_of_range": (_("The date {value} is before the programme started ({earliest}) or after {latest}"), _("Check the year; dates from {earliest} to {latest} are accepted.")),
        "bool_type": (_("{value} is not 是 or 否"), _("Type 是 or 否.")),
        "integer_type": (_("{value} is not a whole number"), _("Type a whole number, e.g. 3.")),
        "decimal_type": (_("{value} is not a number"), _("Type a number, e.g. 1.25.")),
        "amount_in_wan": (_("{value} is written in 万元, but {column} is in yuan"), _("Type the amount in yuan as a number, e.g. {yuan}.")),
        "minimum": (_("{value} is below the minimum {minimum}"), _("Type a number not below {minimum}.")),
        "maximum": (_("{value} is above the maximum {maximum}"), _("Type a number not above {maximum}.")),
        "enum": (_("{value} is not one of the allowed values"), _("Choose one of: {allowed}.")),
        "list_enum": (_("{item} is not one of the allowed values"), _("Separate items with 、 and use only: {allowed}.")),
        "phone": (_("{value} is not a valid phone number"), _("Type a number such as 0580-2022001 or 13800000000.")),
        "mobile": (_("{value} is not a mobile phone number"), _("Type an 11-digit mobile number, e.g. 13800000000.")),
        "email": (_("{value} is not a valid e-mail address"), _("Type an address such as name@example.gov.cn.")),
        "url": (_("{value} is not a web address starting with http:// or https://"), _("Type the full address, starting with https://.")),
        "url_character": (_("The web address {value} holds {char}, which a web address cannot hold here"), _("Type the address as the browser shows it, without brackets, quotes, spaces or invisible characters.")),
        "url_host": (_("{value} has no valid host name such as www.example.gov.cn"), _("Type the full address, e.g. https://www.example.gov.cn/.")),
        "number_not_finite": (_("{value} is not a finite number"), _("Type a number, e.g. 3.")),
        "number_precision": (_("{value} has more than {digits} significant digits and cannot be published exactly"), _("Round the number; a code or ID belongs in a text column.")),
        "uscc_length": (_("The credit code {value} has {length} characters instead of 18"), _("Copy the 18-character code from the business licence.")),
        "uscc_check": (_("The credit code {value} fails its check character (GB 32100-2015)"), _("Copy the code again from the business licence; a character is wrong.")),
        # rows and tables
        "unique": (_("{value} appears more than once in {column} (also in row {other_row})"), _("Each {column} must be unique; change or remove one of the rows.")),
        "reference": (_("{value} is not found in {target_sheet} ({target_column})"), _("Add it to {target_sheet} first, or correct the code.")),
        "reference_several": (_("{value} holds {count} codes of {target_column} in one cell"), _("Give each its own row, one code per cell.")),
        "reference_label": (_("{value}: code {key} is {registered} in {target_sheet}"), _("Choose it again from the drop-down list, or type only the code.")),
        "reference_by_name": (_("{value} is a name in {target_sheet}, not its {target_column}"), _("Type its code {registered}.")),
        "not_before": (_("{column} {value} is before {other_column} {other_value}"), _("{column} cannot be earlier than {other_column}.")),
        "not_below": (_("{column} {value} is below {other_column} {other_value}"), _("{column} cannot be smaller than {other_column}.")),
        "comparison_kind": (_("{column} {value} does not suit {other_column} {other_value}"), _("For {other_value} choose one of: {allowed}.")),
        "not_after_as_of": (_("{column} {value} is after the as-of date {as_of}"), _("Check the year; a date in the future is not allowed here.")),
        "required_unless": (_("{column} is required when {when_column} is {when_value}"), _("Fill in {column}.")),
        "required_if": (_("{column} is required when {when_column} is {when_value}"), _("Fill in {column}.")),
        "only_if": (_("{column} is filled but {when_column} is {when_value}"), _("Clear {column}, or set {when_column} to {values}.")),
        "must_be": (_("{column} must be {expected}"), _("Only cases that meet this condition belong in this sheet.")),
        "sequence_gap": (_("The steps of {group_value} are {found} instead of 1 to {count}"), _("Number the steps of each policy 1, 2, 3 … with no gap or repeat.")),
        # warnings (and generic forms of the rules behind them)
        "before_as_of": (_("{column} {value} is before the as-of date {as_of}"), _("Check the date.")),
        "expired": (_("{column} {value} has passed (as of {as_of}) but {when_column} is still {when_value}"), _("The item is shown as expired; set {when_column} to 否 to withdraw it, or correct {column}.")),
        "updated_later": (_("{column} {value} is after the as-of date {as_of}"), _("Check the year; the update feed lists the change only from that day on.")),
        "still_referenced": (_("{key_value} still has {count} rows in {target_sheet} (first in row {first_row})"), _("Check whether those rows should move elsewhere.")),
        "inactive_in_use": (_("{key_value} is not in post ({column} is {value}) but still has {count} open or current rows in {target_sheet} (first in row {first_row})"), _("Hand those rows over to an officer in post, or correct {column}.")),
        "not_referenced": (_("{value} has no current row in {target_sheet} on {as_of}"), _("Add one to {target_sheet} if it is missing.")),
        "no_officer": (_("{value} has no officer assigned on {as_of}"), _("Pair it with an officer in {target_sheet}.")),
        "draft_in_route": (_("{key_value} is a draft ({column} is {value}) but {count} rows of {target_sheet} list it (first in row {first_row})"), _("It is left out of those 一件事 pages until it is published; remove it from {target_sheet} if it does not belong there.")),
        "route_without_policies": (_("{value} lists no policy in {target_sheet}"), _("Add its policies to {target_sheet}, one row each, in the order they are done; until then it has no page.")),
        "route_order_gap": (_("The policies of {group_value} are numbered {found} instead of 1 to {count}"), _("Number the policies of each 一件事 1, 2, 3 … in the order they are done, with no gap or repeat.")),
        "not_eligible": (_("{value} does not fit policy {policy_value}: {reasons}"), _("Check the enterprise's row in 企业 and the policy's 适用行业, 适用规模, 适用镇街 and 申报条件; if both are right, the enterprise was told or paid under a policy not meant for it.")),
        "visit_not_paired": (_("{value} was not paired with officer {officer_value} on {date}"), _("Check the date and the two codes; if the visit is right, add or correct the pairing in 结对 (a visit to an enterprise of another officer is allowed, and only noted here).")),
        "overlap": (_("{value} has two {role} on the same days: this row and row {other_row}"), _("End one assignment before the other starts.")),
        "optional_columns_absent": (_("The sheet {sheet} has no column {columns}"), _("The figures that need them are shown as — until the columns are added (the template has them); nothing else to do.")),
        **_closed_loop_messages(),
        **_activity_messages(),
        "one_per_week": (_("{group_value} already has a report in week {week} (row {other_row})"), _("Keep one report per project per week (Monday to Sunday): merge the two rows or correct the date.")),
        **_photo_catalogue(),
    }


def _closed_loop_messages() -> dict[str, tuple[str, str]]:
    """原问题编号, 回访 and 督办记录 (check/closed_loop.py)."""
    return {
        "reopens_itself": (_("{column} {value} is this issue's own number"), _("Type the number of the earlier issue this one takes up again, or clear the cell.")),
        "reopens_open": (_("{column} {value} refers to an issue that is not closed (row {other_row})"), _("Only a closed issue (已销号) can be reopened: correct the number, or continue the original issue instead.")),
        "reopens_before_closed": (_("The issue is reported before the issue it reopens was closed ({other_value}, row {other_row})"), _("Check 反映日期 and {column}.")),
        "revisit_missing": (_("The enterprise rated the issue 不满意 but there is no 回访 {days} days after 销号 ({closed_value})"), _("Call the enterprise back and fill in {column}.")),
        "supervised_before_reported": (_("{column} {value} is before the issue was reported ({other_value})"), _("Check the date of the 督办.")),
    }


def _photo_catalogue() -> dict[str, tuple[str, str]]:
    """照片 (check/photos.py) and 揭榜挂帅 (check/challenges.py)."""
    return {
        "issuer_unnamed": (_("{value} has not consented to its name being shown (同意公开名称 in {sheet_name}): the page says 企业（未同意公开名称）"), _("Nothing to do if so; a 揭榜挂帅 list is public, so ask the enterprise and set 同意公开名称 to 是 if it agrees.")),
        "photo_no_folder": (_("{item} is a file name, but this sheet is read from Google Sheets, which has no folder of files: the photo is left out"), _("Give the photo as an http(s) link, or keep the sheet in an .xlsx file with the photo in its folder.")),
        "photo_outside": (_("{item} is not a file inside the workbook's folder"), _("Name the photo by its path inside the workbook's folder, e.g. 照片/现场1.jpg, without .., a drive letter or a leading /.")),
        "photo_missing": (_("The photo {item} is not in the workbook's folder: it is left out"), _("Copy the photo into the workbook's folder (or its subfolder), or correct the file name.")),
        "photo_too_large": (_("The photo {item} is larger than 40 MB: it is left out"), _("Save a smaller copy of the photo and name that one.")),
        "photo_unreadable": (_("{item} is not a photo that can be read (JPEG, PNG, WebP, GIF, BMP or TIFF): it is left out"), _("Save the photo as JPEG and name that file.")),
        "photo_scheme": (_("{item} is not a file name or a link starting with http:// or https://"), _("Give a file name inside the workbook's folder or an https:// link; other kinds of link are never published.")),
        "photo_link": (_("The photo link {item} is not a whole web address"), _("Type the full address as the browser shows it, e.g. https://www.example.gov.cn/photo.jpg.")),
    }


def _activity_messages() -> dict[str, tuple[str, str]]:
    """活动 and 参加人员 (check/activities.py), apart so that _catalogue stays a readable length."""
    return {
        "participant_missing": (_("The row names no participant: both {column} and {other_column} are empty"), _("Fill in {column} for an enterprise or {other_column} for an officer, one participant a row.")),
        "participant_both": (_("The row names two participants: {column} {value} and {other_column} {other_value}"), _("Keep one of the two codes and give the other participant a row of its own.")),
        "participant_twice": (_("{value} is listed twice for event {event_value} (also in row {other_row})"), _("Delete one of the two rows.")),
        "attendance_below_list": (_("{column} {value} is below the {count} participants {target_sheet} lists for this event"), _("Correct {column}, or remove from {target_sheet} those who did not take part.")),
    }


@cache
def _catalogue_in(language: str) -> dict[str, tuple[str, str]]:
    """The catalogue in one language, made once (``_`` looks each text up)."""
    return _catalogue()


def describe(code: str, params: dict[str, Any]) -> tuple[str, str]:
    message, hint = _catalogue_in(get_language())[code]
    return message.format(**params), hint.format(**params)
