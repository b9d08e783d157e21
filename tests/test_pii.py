"""Personal-information guard: precise detection, masked and located errors, allow-list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from support import AS_OF, AS_OF_ARG, TRUST, cli, copy_project
from trust_util import pledge, write_yaml

from generator.pipeline import prepare
from generator.records.pii import find, mask, redact

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PNG_1PX = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
           b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def resident_id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def luhn_complete(prefix: str) -> str:
    for last in "0123456789":
        digits = [int(c) for c in prefix + last][::-1]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return prefix + last
    raise AssertionError


ID = resident_id("32050219900307123")  # born 1990-03-07
CARD = luhn_complete("622202123456789012")  # 19 digits, UnionPay prefix


def kinds(text: str, allow: list[str] | None = None) -> list[str]:
    return [h.kind for h in find(text, allow or [])]


@pytest.mark.parametrize("text", [
    f"身份证号{ID}。", f"身份证 {ID[:6]} {ID[6:14]} {ID[14:]}", f"ID:{ID}", resident_id("11010519491231002"),
    ID + "9", "77" + ID,  # padded with digits, an ID is still an ID
])
def test_resident_id_found(text: str) -> None:
    assert kinds(text) == ["resident ID number"]


@pytest.mark.parametrize("text", [
    ID[:17] + ("0" if ID[17] != "0" else "1"),  # wrong check digit
    resident_id("32050219901307123"),  # month 13: not a birth date
    resident_id("32050218500307123"),  # born 1850
    "123456789012345678",  # 18 digits, nothing more
])
def test_resident_id_needs_check_digit_and_birth_date(text: str) -> None:
    assert "resident ID number" not in kinds(text)


@pytest.mark.parametrize("text", [
    "手机13812345678", "手机 138 1234 5678", "手机138-1234-5678", "+86 138 1234 5678", "+86-13812345678",
    "008613812345678", "１３８１２３４５６７８", "138\u200b1234\u200b5678", "电话:19912345678。",
])
def test_mobile_found(text: str) -> None:
    assert kinds(text) == ["mobile number"]


@pytest.mark.parametrize("text", [
    "联系电话 0000-12345678", "12345678901", "10086", "138123456789", "2138123456789", "1381234567",
])
def test_not_a_mobile(text: str) -> None:
    assert "mobile number" not in kinds(text)


@pytest.mark.parametrize("text", [
    CARD, " ".join(CARD[i:i + 4] for i in range(0, 19, 4)), "-".join([CARD[:6], CARD[6:]]),
    "4111 1111 1111 1111", "4111111111111111",
])
def test_bank_card_found(text: str) -> None:
    assert kinds(text) == ["bank card number"]


@pytest.mark.parametrize("text", [
    "青组通〔2026〕8号", "2025-12-31", "2025年12月31日", "全年助餐不少于 2000 人次", "参加 1234 5678 人次",
    CARD[:-1] + str((int(CARD[-1]) + 1) % 10),  # fails Luhn
    "1234567890123456",  # Luhn passes? prefix 1 is not a card issuer anyway
    "2026 2027 2028 2029", "12 34 56 78 90 12 34 56", "电话 0512-6512 3456",
    "统一社会信用代码 91320500MA1XYZ1234",
])
def test_dates_counts_and_document_numbers_are_not_cards(text: str) -> None:
    assert kinds(text) == []


def test_email_found_and_allow_listed() -> None:
    assert kinds("邮箱zhang.san@example.com联系") == ["e-mail address"]
    assert kinds("信箱 Office@Example.gov.cn", ["office@example.gov.cn"]) == []


def test_allow_list_ignores_spacing_and_country_code() -> None:
    assert kinds("值班电话 138 1234 5678", ["+86-13812345678"]) == []
    assert kinds("值班电话 138 1234 5678", ["13912345678"]) == ["mobile number"]


def test_masking() -> None:
    assert mask(ID) == ID[:4] + "*" * 10 + ID[-4:]
    assert mask("+86 138-1234-5678") == "138****5678"
    assert mask("zhang@example.com") == "z***@example.com"
    assert str(find(f"号{ID}。")[0]) == f"resident ID number {ID[:4]}**********{ID[-4:]}"
    assert find(f"号{ID}。")[0].message().text() == f"居民身份证号码 {ID[:4]}**********{ID[-4:]}"
    assert find(f"号{ID}。")[0].message().text("en") == f"resident ID number {ID[:4]}**********{ID[-4:]}"


def test_redact_masks_hits_and_keeps_the_rest_as_written() -> None:
    """Held-back lines are masked before printing; their Chinese punctuation must survive."""
    assert redact("待核实 王大妈 13812345678: 草稿，尚未审批") == "待核实 王大妈 138****5678: 草稿，尚未审批"
    assert redact("手机１３８１２３４５６７８，（值班）") == "手机138****5678，（值班）"
    assert redact("无号码，（草稿）") == "无号码，（草稿）"


# The hint of every personal-information error.
HINT = "（提示：请删除：个人信息不得公开；如果是对外公开的办公电话或邮箱，请把它加入 site_config.yml 的 pii_allow）"


# --- the build refuses, naming file, line and field -------------------------------------


def _pledges_with(project: Path, title: str, draft_title: str | None = None) -> None:
    pine = project / "communities" / "east-town" / "pine" / "pledges.yml"
    data = yaml.safe_load(pine.read_text(encoding="utf-8"))
    data["pledges"].insert(0, pledge("hotline", "开通助老热线", target=title))
    if draft_title:
        data["pledges"].append(pledge("draft-hotline", draft_title, publication={"state": "draft"}))
    write_yaml(pine, data)


def test_published_pii_is_a_located_masked_error(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    _pledges_with(project, f"联系王大妈 13812345678,身份证{ID}")
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG)
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if "个人信息" in ln]
    assert lines == [
        f"错误：communities/east-town/pine/pledges.yml:{_line(project, 'target')}: 承诺[0].目标(target):"
        f" 公开内容中含有个人信息：{kind}{HINT}"
        for kind in ("手机号码 138****5678", f"居民身份证号码 {ID[:4]}**********{ID[-4:]}")
    ]
    assert "13812345678" not in result.output and ID not in result.output


def _line(project: Path, key: str) -> int:
    text = (project / "communities" / "east-town" / "pine" / "pledges.yml").read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(f"{key}:"))


def test_line_points_at_the_item_after_held_back_ones(tmp_path: Path) -> None:
    """The published view drops held-back items; the line must still be the record's own."""
    project = copy_project(TRUST, tmp_path / "p")
    pine = project / "communities" / "east-town" / "pine" / "pledges.yml"
    data = yaml.safe_load(pine.read_text(encoding="utf-8"))
    data["pledges"].append(pledge("late", "热线 13912345678"))  # after the draft and internal pledges
    write_yaml(pine, data)
    result = prepare(project, AS_OF)
    errors = [e for e in result.log.errors if "个人信息" in e.message.text()]
    assert [(e.field, e.line) for e in errors] == [("pledges[4].title", _line_of(pine, "热线"))]


def _line_of(file: Path, needle: str) -> int:
    return next(i for i, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_draft_records_are_not_scanned(tmp_path: Path) -> None:
    """Only published strings are checked: a draft is never published, so it does not stop the build."""
    project = copy_project(TRUST, tmp_path / "p")
    _pledges_with(project, "全年服务 100 人次", draft_title="待核实 13812345678")
    result = prepare(project, AS_OF)
    assert [e for e in result.log.errors if "个人信息" in e.message.text()] == []


def test_held_back_list_masks_personal_information(tmp_path: Path) -> None:
    """`dangjian check` prints draft titles; CI logs can be public, so numbers in them are masked."""
    project = copy_project(TRUST, tmp_path / "p")
    _pledges_with(project, "全年服务 100 人次", draft_title="待核实 王大妈 13812345678")
    result = cli("check", "-p", str(project), "--as-of", AS_OF_ARG, "--show-held")
    assert result.exit_code == 0, result.output
    assert "待核实 王大妈 138****5678: 草稿，尚未审批" in result.stdout
    assert "13812345678" not in result.output


def test_allow_listed_office_number_passes(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    _pledges_with(project, "值班电话 138 1234 5678")
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "pii_allow:\n  - 0000-12345678", "pii_allow:\n  - 0000-12345678\n  - \"138 1234 5678\""), encoding="utf-8")
    assert prepare(project, AS_OF).log.errors == []


_IN_TEXT = re.escape("公开内容中含有个人信息：手机号码 138****5678" + HINT)


@pytest.mark.parametrize(("where", "expected"), [
    ("content", re.compile(r"content/contact\.md:3: " + _IN_TEXT)),
    ("file name", re.compile(r"content/13812345678\.png: 文件名\(file name\): "
                             + re.escape("公开文件的文件名中含有个人信息：手机号码 138****5678" + HINT))),
    ("image alt", re.compile(r"communities/east-town/pine/brands\.yml:\d+: 品牌\[0\]\.图片\[0\]\.图片说明\(alt\): "
                             + _IN_TEXT)),
    ("image file", re.compile(r"communities/east-town/pine/brands\.yml:\d+: 品牌\[0\]\.图片\[0\]\.文件\(file\): "
                              + _IN_TEXT)),
    ("config", re.compile(r"site_config\.yml:\d+: 页脚\.联系方式\(contact\): " + _IN_TEXT)),
    ("district", re.compile(r"communities/district\.yml:\d+: 表彰\[0\]\.理由\(reason\): "
                            + re.escape("公开内容中含有个人信息：电子邮箱地址 s***@example.com" + HINT))),
])
def test_every_published_place_is_scanned(tmp_path: Path, where: str, expected: re.Pattern[str]) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    pine = project / "communities" / "east-town" / "pine"
    if where == "content":
        (project / "content" / "contact.md").write_text("# 联系\n\n书记手机:138 1234 5678\n", encoding="utf-8")
    elif where == "file name":
        (project / "content" / "13812345678.png").write_bytes(PNG_1PX)
    elif where in ("image alt", "image file"):
        brands = yaml.safe_load((pine / "brands.yml").read_text(encoding="utf-8"))
        image = brands["brands"][0]["images"][0]
        if where == "image alt":
            image["alt"] = "志愿者 13812345678"
        else:
            (pine / "images" / "13812345678.png").write_bytes((pine / "images" / "garden.png").read_bytes())
            image["file"] = "images/13812345678.png"
        write_yaml(pine / "brands.yml", brands)
    elif where == "config":
        config = project / "site_config.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("联系电话 0000-12345678", "联系人 13812345678"),
                          encoding="utf-8")
    else:
        district = project / "communities" / "district.yml"
        district.write_text(district.read_text(encoding="utf-8").replace(
            "履诺到位, 群众满意。", "来信请寄 someone@example.com"), encoding="utf-8")
    errors = [str(e) for e in prepare(project, AS_OF).log.errors]
    assert len(errors) == 1 and expected.fullmatch(errors[0]), errors


def test_build_refuses_and_keeps_old_site(tmp_path: Path) -> None:
    project = copy_project(TRUST, tmp_path / "p")
    (project / "content" / "contact.md").write_text("# 联系\n\n手机 13812345678\n", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    result = cli("build", "-p", str(project), "--as-of", AS_OF_ARG, "-o", str(out))
    assert result.exit_code == 1
    assert (out / "index.html").read_text(encoding="utf-8") == "old"


def test_members_format_has_no_place_for_personal_data() -> None:
    from generator.records.schema import MemberCounts, PledgeMember

    for model in (MemberCounts, PledgeMember):
        assert not {"phone", "mobile", "id_number", "address", "email"} & set(model.model_fields)
