import base64
import hashlib

import pytest

from connectors.email.mime import MAX_DEPTH, MAX_PARTS, MAX_TEXT_CHARS, parse_message
from connectors.errors import PayloadInvalidError
from tests.factories import EVENTS as EVENTS_DIR

EML = EVENTS_DIR / "eml"
ALL = sorted(p.name for p in EML.glob("*.eml"))


def parsed(name):
    return parse_message((EML / name).read_bytes())


def test_corpus_is_complete():
    assert len(ALL) == 34


@pytest.mark.parametrize("name", ALL)
def test_every_corpus_message_parses(name):
    message = parsed(name)
    assert message.subject or message.text or message.attachments
    for attachment in message.attachments:
        assert len(attachment.sha256) == 64


# --- Arabic ------------------------------------------------------------------------------

AR_BODY = (
    "السلام عليكم،\n\n"
    "أتقدم بشكوى رسمية بخصوص خصم مبلغ 450 ريال من حسابي مرتين بتاريخ 2024/03/02 دون أي "
    "عملية شراء مني. تواصلت مع خدمة العملاء ثلاث مرات ولم أحصل على رد حتى الآن.\n"
    "أطلب استرداد المبلغ وإغلاق البطاقة فوراً، وإلا سأرفع الشكوى إلى البنك المركزي.\n\n"
    "رقم الطلب: #58213\nمع الشكر،\nأحمد"
)


def test_arabic_windows_1256_complaint():
    message = parsed("constructed_ar_complaint_windows-1256_qp.eml")
    assert message.subject == "شكوى: خصم مكرر من البطاقة — طلب رقم 58213"
    assert message.from_name == "أحمد العلي"
    assert message.from_address == "ahmed.example@example.com"
    assert message.message_id == "<ar-1256-qp-0001@example.com>"
    assert message.text == AR_BODY
    assert message.new_text == AR_BODY
    assert not message.is_automatic
    assert message.defects == ()


def test_arabic_gmail_reply_loses_its_quoted_history():
    message = parsed("constructed_ar_reply_quoted_history_gmail_style.eml")
    assert message.subject == "Re: شكوى: خصم مكرر من البطاقة — طلب رقم 58213"
    assert message.new_text == "شكراً على الرد، لكن المشكلة لم تُحل. ما زال المبلغ غير مسترد."
    assert "كتب:" in message.text
    assert message.in_reply_to == "<support-ack-58213@example.com>"
    assert message.references == (
        "<ar-1256-qp-0001@example.com>",
        "<support-ack-58213@example.com>",
    )
    assert not message.text_from_html


# --- Persian -----------------------------------------------------------------------------

FA_BODY = (
    "سلام وقت بخیر\n\n"
    "سفارش شماره ۷۷۴۱۲ که روز ۱۴ اسفند ثبت کردم هنوز ارسال نشده و پشتیبانی تلفنی هم "
    "پاسخگو نیست. مبلغ ۲٬۳۵۰٬۰۰۰ ریال از کارت من کسر شده است. لطفاً یا کالا را ارسال کنید "
    "یا وجه را بازگردانید.\nفاکتور پرداخت پیوست شده است.\n\nبا احترام\nمریم رضایی"
)


def test_persian_multipart_complaint_prefers_plain_text():
    message = parsed("constructed_fa_complaint_multipart_alternative_base64_rfc2231_attachment.eml")
    assert message.subject == "شکایت: عدم ارسال سفارش ۷۷۴۱۲ و کسر وجه"
    assert message.from_name == "مریم رضایی"
    assert message.text == FA_BODY
    assert not message.text_from_html


def test_persian_rfc2231_attachment_is_metadata_only():
    raw = EML / "constructed_fa_complaint_multipart_alternative_base64_rfc2231_attachment.eml"
    message = parse_message(raw.read_bytes())
    content = base64.b64decode(
        "2LTZhdin2LHZhyDZgdin2qnYqtmI2LE6IDc3NDEyCtmF2KjZhNi6OiAyMzUwMDAwINix24zYp9mECg=="
    )
    (attachment,) = message.attachments
    assert attachment.filename == "فاکتور-پرداخت.txt"
    assert attachment.content_type == "text/plain"
    assert attachment.size == len(content) == 58
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert not hasattr(attachment, "content")
    assert "77412" not in message.model_dump_json()  # the attachment's text is not kept


def test_persian_outlook_reply_loses_its_quoted_history():
    message = parsed("constructed_fa_reply_outlook_style_qp.eml")
    assert message.subject == "RE: شکایت: عدم ارسال سفارش ۷۷۴۱۲ و کسر وجه"
    assert message.new_text == (
        "پیگیری دوم: هنوز هیچ پاسخی دریافت نکرده\u200cام. لطفاً فوراً رسیدگی کنید."
    )
    assert "Sent:" in message.text


def test_html_only_message_gives_text_from_html():
    raw = (
        "From: a@example.com\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        '<div dir="rtl"><p>سلام&nbsp;دوست</p><script>x()</script><p>دوم</p>'
        "<blockquote>نقل</blockquote></div>"
    ).encode()
    message = parse_message(raw)
    assert message.text_from_html
    assert message.text == "سلام دوست\nدوم\n> نقل"
    assert message.new_text == "سلام دوست\nدوم"


def test_persian_and_turkish_attribution_lines_cut_the_history():
    persian = "ممنون\n\nدر تاریخ ۱۴۰۲/۱۲/۱۴، پشتیبانی <s@example.com> نوشت:\nمتن قبلی"
    turkish = (
        "Teşekkürler\n\n18 Mar 2024 Pzt, 10:00 tarihinde Destek <d@example.com> şunu yazdı:\n> eski"
    )
    russian = (
        "Спасибо\n\n18.03.2024 10:00 пользователь Поддержка <p@example.com> написал:\n> старое"
    )
    az = "Sağ olun\n\n18 mar 2024 tarixində Dəstək <d@example.az> yazdı:\nköhnə"
    for text, expected in [
        (persian, "ممنون"),
        (turkish, "Teşekkürler"),
        (russian, "Спасибо"),
        (az, "Sağ olun"),
    ]:
        raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        assert parse_message(raw + text.encode()).new_text == expected


def test_persian_outlook_header_block_in_persian_is_cut():
    body = "پاسخ من\n\nاز: پشتیبانی\nارسال: سه‌شنبه\nبه: مریم\nموضوع: شکایت\n\nمتن قبلی"
    raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    assert parse_message(raw + body.encode()).new_text == "پاسخ من"


def test_arabic_outlook_reply_loses_its_header_block():
    message = parsed("constructed_ar_reply_outlook_style_base64.eml")
    assert message.new_text == (
        "مضى أسبوع ولم يُرد المبلغ بعد. أطلب ردًا نهائيًا خلال يومين وإلا سأرفع شكوى إلى "
        "البنك المركزي.\n\nأحمد"
    )
    assert "تم الإرسال:" in message.text


def test_arabic_gmail_attribution_with_the_name_after_kataba_is_cut():
    message = parsed("constructed_ar_reply_gmail_name_after_kataba.eml")
    assert message.new_text == "ما زلت أنتظر استرداد المبلغ منذ أسبوعين، وهذا غير مقبول."
    assert "support@example.com" not in message.new_text


def test_persian_gmail_attribution_in_bidirectional_marks_is_cut():
    message = parsed("constructed_fa_reply_gmail_style_bidi_marks.eml")
    assert message.new_text == "باز هم کالا نرسید و کسی جواب تلفن را نمی\u200cدهد."
    assert not message.text_from_html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Outlook's header block without its separator line, in each language's labels.
        (
            "ما زالت المشكلة قائمة\n\nمن: الدعم <s@example.com>\nتم الإرسال: الأحد، 3 مارس"
            "\nإلى: أحمد\nالموضوع: شكوى\n\nنص قديم",
            "ما زالت المشكلة قائمة",
        ),
        (
            "ما زالت المشكلة قائمة\n\nمن: الدعم\nتاريخ الإرسال: 3 مارس 2024\n\nنص قديم",
            "ما زالت المشكلة قائمة",
        ),
        (
            "هنوز حل نشده\n\nاز: پشتیبانی <s@example.com>\nارسال شده: یکشنبه\nبه: مریم\n\nقبلی",
            "هنوز حل نشده",
        ),
        ("Не решено\n\nОт: Поддержка\nДата: 3 марта\n\nстарое", "Не решено"),
        ("Çözülmedi\n\nKimden: Destek\nGönderilme Tarihi: 3 Mart\n\neski", "Çözülmedi"),
        # Gmail's Arabic attributions: the name after كتب, or "تمت كتابة ما يلي بواسطة".
        (
            "لم يحل\n\nفي الأحد، 3 مارس 2024 في 10:15 ص كتب Support <s@example.com>:\nقديم",
            "لم يحل",
        ),
        (
            "لم يحل\n\nفي الأحد، 3 مارس 2024 تمت كتابة ما يلي بواسطة Support <s@example.com>:"
            "\n> قديم",
            "لم يحل",
        ),
        # A sentence of the complaint that merely looks like one is kept.
        ("في الفرع كتب الموظف:\nلا يوجد رصيد", "في الفرع كتب الموظف:\nلا يوجد رصيد"),
    ],
)
def test_quoted_history_in_every_language_is_cut(body, expected):
    raw = b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    assert parse_message(raw + body.encode()).new_text == expected


# --- Azerbaijani and Turkish -------------------------------------------------------------


def test_azerbaijani_q_encoded_subject_over_three_words():
    message = parsed("constructed_az_complaint_utf-8_8bit_q-subject.eml")
    assert message.subject == "Şikayət: kartdan iki dəfə ödəniş çıxılıb (İlqar Məmmədov)"
    assert message.from_name == "İlqar Məmmədov"
    assert message.text.startswith("Salam,\n\nMən 12 mart tarixində kartımdan 85 manat səhvən")
    assert message.text.endswith("Hörmətlə,\nİlqar Məmmədov")
    assert message.new_text == message.text


def test_turkish_iso_8859_9_complaint():
    message = parsed("constructed_tr_complaint_iso-8859-9_qp.eml")
    assert message.subject == "Şikâyet: arızalı çamaşır makinesi, servis iptal edildi"
    assert message.from_name == "Şükrü Öztürk"
    assert message.text == (
        "Merhaba,\n\nGeçen ay aldığım çamaşır makinesi ikinci haftada arızalandı. Servis "
        "randevusu üç kez iptal edildi. Garanti kapsamında değişim ya da ücret iadesi talep "
        "ediyorum. Şikâyetimin kaydını ve takip numarasını iletmenizi rica ederim.\n\n"
        "Saygılarımla,\nŞükrü Öztürk"
    )
    assert message.defects == ()


# --- encodings ---------------------------------------------------------------------------


def test_character_split_across_encoded_words_is_joined():
    message = parsed("constructed_malformed_split_multibyte_encoded_words.eml")
    assert message.subject == "شکایت درباره بازپرداخت"
    assert "\ufffd" not in message.subject
    assert message.new_text == "بازپرداخت وجه انجام نشده است."


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("phpmimemailparser_issue149_hebrew_iso-8859-8-i_attachment.eml", "מענה 'אני לא נמצא'"),
        ("zbateson_m0006_utf-7.eml", "Die Hasen und die Frösche"),
        ("mailparser_mail_test_12_gb2312_8bit.eml", "代开各地增值税发票"),
        ("flanker_bilingual-simple_rfc2047_cyrillic_qp.eml", "Как ты поживаешь?"),
        ("phpmimemailparser_m0022_hungarian_utf8_qp.eml", "árvíztűrő tükörfúrógép"),
    ],
)
def test_charsets_in_subjects(name, subject):
    assert subject in parsed(name).subject


def test_korean_ks_c_5601_attachment_name_and_rare_charsets():
    korean = parsed("phpmimemailparser_m0018_korean_ks_c_5601_jpeg.eml")
    assert "사진.JPG" in [a.filename for a in korean.attachments]
    assert "Le Pliage" in korean.text
    assert "Die Hasen klagten einst" in parsed("zbateson_m0006_utf-7.eml").text
    assert "你好" in parsed("mailparser_mail_test_12_gb2312_8bit.eml").text
    assert "Dear Colleague" in parsed("phpmimemailparser_issue230_x-mac-cyrillic.eml").text


def test_unknown_and_wrong_charsets_are_replaced_and_recorded():
    raw = (
        b"From: a@example.com\r\nSubject: =?x-no-such-charset?q?caf=E9?=\r\n"
        b"Content-Type: text/plain; charset=zlib_codec\r\n\r\nbody \xff\xfe"
    )
    message = parse_message(raw)
    assert message.subject.startswith("caf")
    assert "\ufffd" in message.text
    assert any("unknown charset" in d for d in message.defects)


# --- automatic mail ----------------------------------------------------------------------


def test_delivery_status_notification_is_automatic():
    message = parsed("nodemailer_delivery-status.eml")
    assert message.is_automatic
    assert "delivery_status" in message.automatic_reasons


def test_arf_feedback_report_is_automatic():
    message = parsed("flanker_arf_feedback_report_yahoo.eml")
    assert message.is_automatic
    assert "feedback_report" in message.automatic_reasons


@pytest.mark.parametrize(
    "header", ["Auto-Submitted: auto-replied", "X-Autoreply: yes", "Precedence: auto_reply"]
)
def test_auto_reply_headers_flag_the_message(header):
    raw = f"From: a@example.com\r\n{header}\r\nSubject: Out of office\r\n\r\naway".encode()
    assert parse_message(raw).is_automatic


def test_auto_submitted_no_is_a_person():
    raw = b"From: a@example.com\r\nAuto-Submitted: no\r\nSubject: hi\r\n\r\nhello"
    assert not parse_message(raw).is_automatic


def test_customer_complaints_are_not_automatic():
    for name in ALL:
        if name.startswith("constructed_"):
            assert not parsed(name).is_automatic, name


# --- structure ---------------------------------------------------------------------------


def test_enclosed_message_is_recorded_not_read_as_body():
    message = parsed("flanker_enclosed_message-rfc822.eml")
    assert message.new_text == "Hello"
    assert "message/rfc822" in [a.content_type for a in message.attachments]


def test_pdf_attachment_metadata():
    (pdf,) = parsed("flanker_attached-pdf_base64.eml").attachments
    assert (pdf.filename, pdf.content_type, pdf.size) == ("test.pdf", "application/pdf", 6940)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("talon_reply_gmail.eml", "Hello"),
        ("talon_reply_hotmail.eml", "Hello"),
        ("talon_reply_android_cyrillic_base64.eml", "Hello"),
    ],
)
def test_english_and_russian_client_replies(name, expected):
    assert parsed(name).new_text == expected


def test_interleaved_answers_are_kept():
    message = parsed("flanker_reply_quoted_history_from-encoding.eml")
    assert message.new_text.startswith("Isn't that the case for almost every other server")
    assert "buffer overflow" not in message.new_text


def test_missing_final_boundary_is_a_defect_not_an_error():
    message = parsed("flanker_missing-final-boundary_malformed.eml")
    assert message.text == "Some body"
    assert message.defects


# --- hostile input -----------------------------------------------------------------------


def nested(depth):
    head = b"From: a@example.com\r\nSubject: deep\r\n"
    opening = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--" % i for i in reversed(range(depth)))
    return head + opening + b"Content-Type: text/plain\r\n\r\nhello" + closing


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 1500])
def test_deep_nesting_is_capped(depth):
    message = parse_message(nested(depth))
    assert any("nesting" in d for d in message.defects)


def test_huge_number_of_parts_is_capped():
    parts = b"".join(b"--x\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(1000))
    raw = b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" + parts
    message = parse_message(raw + b"--x--\r\n")
    assert any(f"more than {MAX_PARTS} parts" in d for d in message.defects)
    assert message.text.count("part ") < MAX_PARTS


def test_text_is_capped():
    raw = b"From: a@example.com\r\n\r\n" + b"A" * (MAX_TEXT_CHARS + 10)
    message = parse_message(raw)
    assert len(message.text) == MAX_TEXT_CHARS
    assert any("characters of text" in d for d in message.defects)


def test_large_base64_attachment_is_hashed_not_kept():
    payload = b"\0" * (2 * 1024 * 1024)
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(payload)
        + b"\r\n--x--\r\n"
    )
    message = parse_message(raw)
    (attachment,) = message.attachments
    assert attachment.size == len(payload)
    assert attachment.sha256 == hashlib.sha256(payload).hexdigest()
    assert len(message.model_dump_json()) < 2000


def test_header_injection_does_not_leak_line_breaks():
    raw = (
        b"From: a@example.com\r\nSubject: =?utf-8?q?hi=0D=0ABcc:_x@evil.example?=\r\n"
        b"Subject: second\r\n\r\nbody"
    )
    message = parse_message(raw)
    assert "\r" not in message.subject and "\n" not in message.subject
    assert message.subject == "hi Bcc: x@evil.example"


@pytest.mark.parametrize("raw", [b"", b"   \r\n", "not bytes"])
def test_nothing_to_read_is_invalid(raw):
    with pytest.raises(PayloadInvalidError):
        parse_message(raw)
