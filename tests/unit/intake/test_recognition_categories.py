"""Category matching from the admin's own descriptions: no category is known by name."""

from __future__ import annotations

from pathlib import Path

from plaint.intake.reading import category_hints
from plaint.intake.recognition import CategoryHint, recognise
from plaint.policy.loading import load_policy

LANGUAGES = ("az", "ar", "fa", "en", "tr", "ru")

HINTS = (
    CategoryHint("delivery", ("Parcels and couriers: late, lost or damaged deliveries.",)),
    CategoryHint("billing", ("Charges, fees, refunds and invoices.",)),
    CategoryHint(
        "cards",
        (
            "بلاک شدن کارت بانکی، کارت در خودپرداز ماند، کارت کار نمی‌کند",
            "Kartım bloklanıb, bankomat kartı udub, kart işləmir",
        ),
    ),
)


def category(text: str, language: str, hints: tuple[CategoryHint, ...] = HINTS) -> str | None:
    return recognise(text, language=language, languages=LANGUAGES, categories=hints).category


def test_a_category_described_in_persian_is_found_in_persian_tickets() -> None:
    assert category("کارتم در خودپرداز ماند و بلاک شد، لطفاً رسیدگی کنید", "fa") == "cards"


def test_a_category_described_in_azerbaijani_is_found_in_azerbaijani_tickets() -> None:
    assert category("Kartım yenə bloklanıb, bankomatdan pul çıxara bilmirəm", "az") == "cards"


def test_english_descriptions_find_english_tickets() -> None:
    assert (
        category("The courier lost my parcel and the delivery is two weeks late", "en")
        == "delivery"
    )
    assert category("I was charged a fee twice and want a refund of the invoice", "en") == "billing"


def test_a_renamed_category_is_found_under_its_new_name() -> None:
    renamed = (
        CategoryHint("shipping_and_couriers", HINTS[0].texts),
        *HINTS[1:],
    )
    assert category("The courier lost my parcel", "en", renamed) == "shipping_and_couriers"


def test_a_category_added_by_the_admin_is_found_without_code() -> None:
    added = (
        *HINTS,
        CategoryHint(
            "accessibility",
            ("Wheelchair access, ramps, lifts and step-free entrances at branches",),
        ),
    )
    assert (
        category(
            "The ramp at your branch is broken so I could not get my wheelchair in", "en", added
        )
        == "accessibility"
    )


def test_no_hints_no_category_and_unrelated_text_fits_none() -> None:
    result = recognise("My parcel is late", language="en", languages=LANGUAGES)
    assert result.category is None
    assert result.category_score == 0.0
    assert category("Qwerty zxcvb", "en") is None


def test_cross_language_cues_carry_a_category() -> None:
    fraud = (CategoryHint("fraud", ("Fraud and unauthorised payments",)), *HINTS)
    assert category("از کارتم بدون اجازه من برداشت شده، کلاهبرداری است", "fa", fraud) == "fraud"


def test_the_default_policy_puts_a_collector_reporting_a_debt_under_billing() -> None:
    # A debt collector's account on the credit report is the debt (CFPB: debt collection);
    # an error the bureaus will not correct is the report (CFPB: credit reporting).
    policy = load_policy(Path(__file__).resolve().parents[3] / "policies" / "default.json")
    hints = category_hints(policy)
    collector = (
        "The collection company put this alleged debt on my credit report and will not validate it."
    )
    bureau = (
        "My credit report shows a late payment on my auto loan that I paid on time; Experian "
        "and Equifax refuse to correct it."
    )
    assert category(collector, "en", hints) == "billing"
    assert category(bureau, "en", hints) == "data_protection"
