"""The portal's words in English, Azerbaijani, Arabic and Persian, which way each language
is written, and instants shown in a chosen time zone.

Words are looked up by key; a key missing in a language falls back to English, and a key
unknown everywhere shows itself, so a forgotten translation is visible, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from plaint.reporting.charts import ENGLISH, ChartWords

LANGUAGES = {"en": "English", "az": "Azərbaycanca", "ar": "العربية", "fa": "فارسی"}
RIGHT_TO_LEFT = frozenset({"ar", "fa"})
DEFAULT_LANGUAGE = "en"

# key: (English, Azerbaijani, Arabic, Persian)
_WORDS: dict[str, tuple[str, str, str, str]] = {
    "portal": ("Plaint portal", "Plaint portalı", "بوابة Plaint", "درگاه Plaint"),
    "complaints": ("Complaints", "Şikayətlər", "الشكاوى", "شکایت‌ها"),
    "audit_log": ("Compliance log", "Uyğunluq jurnalı", "سجل الامتثال", "دفتر انطباق"),
    "verification": ("Verification", "Yoxlama", "التحقق", "راستی‌آزمایی"),
    "checkpoints": ("Checkpoints", "Nəzarət nöqtələri", "نقاط التحقق", "نقاط بازبینی"),
    "reports": ("Reports", "Hesabatlar", "التقارير", "گزارش‌ها"),
    "exports": ("Exports", "İxraclar", "التصدير", "برون‌بری"),
    "policies": ("Policies", "Siyasətlər", "السياسات", "سیاست‌ها"),
    "drafts": ("Draft a policy", "Siyasət layihəsi", "مسودة سياسة", "پیش‌نویس سیاست"),
    "what_if": ("What if", "Əgər belə olsa", "ماذا لو", "چه می‌شد اگر"),
    "sign_in": ("Sign in", "Daxil ol", "تسجيل الدخول", "ورود"),
    "sign_out": ("Sign out", "Çıxış", "تسجيل الخروج", "خروج"),
    "your_name": ("Your name", "Adınız", "اسمك", "نام شما"),
    "token": ("Access token", "Giriş açarı", "رمز الوصول", "توکن دسترسی"),
    "token_hint": (
        "The local stack prints the tokens in its banner.",
        "Lokal stek açarları öz banerində çap edir.",
        "تطبع البيئة المحلية الرموز في رسالتها الافتتاحية.",
        "پشته محلی توکن‌ها را در پیام آغازین خود چاپ می‌کند.",
    ),
    "sign_in_cognito": (
        "Sign in with your organisation's account",
        "Təşkilatınızın hesabı ilə daxil olun",
        "سجّل الدخول بحساب مؤسستك",
        "با حساب سازمان خود وارد شوید",
    ),
    "sign_in_failed": (
        "That name and token do not sign anyone in.",
        "Bu ad və açarla heç kim daxil ola bilməz.",
        "هذا الاسم والرمز لا يتيحان الدخول لأحد.",
        "با این نام و توکن کسی وارد نمی‌شود.",
    ),
    "signed_in_as": ("Signed in as", "Daxil olan", "مسجّل الدخول باسم", "وارد شده به نام"),
    "role_auditor": ("auditor", "auditor", "مدقق", "حسابرس"),
    "role_admin": ("admin", "administrator", "مسؤول", "مدیر"),
    "language": ("Language", "Dil", "اللغة", "زبان"),
    "time_zone": ("Time zone", "Saat qurşağı", "المنطقة الزمنية", "منطقه زمانی"),
    "save": ("Save", "Saxla", "حفظ", "ذخیره"),
    "search": ("Search", "Axtar", "بحث", "جستجو"),
    "from": ("From", "Başlanğıc", "من", "از"),
    "to": ("To", "Son", "إلى", "تا"),
    "category": ("Category", "Kateqoriya", "الفئة", "دسته"),
    "jurisdiction": ("Jurisdiction", "Yurisdiksiya", "الولاية القضائية", "حوزه قضایی"),
    "regime": ("Regime", "Rejim", "النظام", "رژیم"),
    "channel": ("Channel", "Kanal", "القناة", "کانال"),
    "clock_status": ("Clock status", "Saat vəziyyəti", "حالة المهلة", "وضعیت مهلت"),
    "late": ("Late or breached", "Gecikmiş və ya pozulmuş", "متأخرة أو منتهكة", "دیرکرد یا نقض"),
    "referred": ("Referred", "Göndərilmiş", "محالة", "ارجاع‌شده"),
    "any": ("any", "hamısı", "الكل", "همه"),
    "yes": ("yes", "bəli", "نعم", "بله"),
    "no": ("no", "xeyr", "لا", "خیر"),
    "complaint": ("Complaint", "Şikayət", "الشكوى", "شکایت"),
    "received": ("Received", "Qəbul edilib", "تاريخ الاستلام", "دریافت"),
    "language_of": ("Language", "Dil", "اللغة", "زبان"),
    "status": ("Status", "Vəziyyət", "الحالة", "وضعیت"),
    "severity": ("Severity", "Ciddilik", "الخطورة", "شدت"),
    "no_results": (
        "Nothing matches in this period.",
        "Bu dövrdə uyğun heç nə yoxdur.",
        "لا شيء مطابق في هذه الفترة.",
        "در این بازه چیزی یافت نشد.",
    ),
    "next_page": ("Next page", "Növbəti səhifə", "الصفحة التالية", "صفحه بعد"),
    "items_read": ("items read", "oxunan element", "عناصر مقروءة", "مورد خوانده‌شده"),
    "timeline": (
        "Timeline of decisions",
        "Qərarların xronologiyası",
        "تسلسل القرارات",
        "گاه‌شمار تصمیم‌ها",
    ),
    "when_local": (
        "In the complaint's zone",
        "Şikayətin qurşağında",
        "بتوقيت الشكوى",
        "به وقت شکایت",
    ),
    "when_utc": ("UTC", "UTC", "التوقيت العالمي", "UTC"),
    "decision": ("Decision", "Qərar", "القرار", "تصمیم"),
    "rule": ("Rule", "Qayda", "القاعدة", "قاعده"),
    "policy_version": ("Policy version", "Siyasət versiyası", "إصدار السياسة", "نسخه سیاست"),
    "clocks": ("Clocks", "Saatlar", "المهل", "مهلت‌ها"),
    "deadline": ("Deadline", "Son tarix", "الموعد النهائي", "مهلت نهایی"),
    "warnings": ("Warnings", "Xəbərdarlıqlar", "التنبيهات", "هشدارها"),
    "extended": ("Extended", "Uzadılıb", "ممدّدة", "تمدیدشده"),
    "letters": ("Letter checks", "Məktub yoxlamaları", "فحص الرسائل", "بررسی نامه‌ها"),
    "referrals": ("Referral steps", "Göndərmə mərhələləri", "خطوات الإحالة", "مراحل ارجاع"),
    "retention": ("Retention", "Saxlama", "الاحتفاظ", "نگهداری"),
    "holds": ("Legal holds", "Hüquqi saxlamalar", "الحجز القانوني", "توقیف‌های قانونی"),
    "none": ("none", "yoxdur", "لا يوجد", "هیچ"),
    "personal_values": ("Personal values", "Şəxsi məlumatlar", "البيانات الشخصية", "داده‌های شخصی"),
    "personal_withheld": (
        "Personal values are withheld for your role.",
        "Şəxsi məlumatlar rolunuz üçün gizlədilib.",
        "البيانات الشخصية محجوبة عن دورك.",
        "داده‌های شخصی برای نقش شما پنهان است.",
    ),
    "verify_whole": ("The whole log", "Bütün jurnal", "السجل كاملاً", "کل دفتر"),
    "verify_period": ("A period", "Bir dövr", "فترة", "یک بازه"),
    "verify_complaint": ("One complaint", "Bir şikayət", "شكوى واحدة", "یک شکایت"),
    "verify": ("Verify", "Yoxla", "تحقّق", "راستی‌آزمایی کن"),
    "holds_ok": (
        "Verified: nothing modified, inserted, reordered or deleted.",
        "Yoxlanıldı: heç nə dəyişdirilməyib, əlavə edilməyib, yeri dəyişməyib və ya silinməyib.",
        "تم التحقق: لم يُعدَّل أو يُدرج أو يُعَد ترتيب أو يُحذف شيء.",
        "تأیید شد: چیزی تغییر، افزوده، جابه‌جا یا حذف نشده است.",
    ),
    "holds_failed": (
        "Verification FAILED",
        "Yoxlama UĞURSUZ oldu",
        "فشل التحقق",
        "راستی‌آزمایی ناموفق",
    ),
    "findings": ("Findings", "Tapıntılar", "النتائج", "یافته‌ها"),
    "entries": ("entries", "qeyd", "قيود", "ورودی"),
    "chains": ("chains", "zəncir", "سلاسل", "زنجیره"),
    "covered_until": ("Covered until", "Əhatə olunub", "مشمول حتى", "پوشش تا"),
    "last_signed": ("Last signed", "Son imza", "آخر توقيع", "آخرین امضا"),
    "key_fingerprint": (
        "Key fingerprint (SHA-256)",
        "Açar barmaq izi (SHA-256)",
        "بصمة المفتاح (SHA-256)",
        "اثر انگشت کلید (SHA-256)",
    ),
    "public_key": ("Public key", "Açıq açar", "المفتاح العام", "کلید عمومی"),
    "offline": ("Verify offline", "Oflayn yoxlama", "التحقق دون اتصال", "راستی‌آزمایی آفلاین"),
    "report": ("Management report", "İdarəetmə hesabatı", "تقرير الإدارة", "گزارش مدیریتی"),
    "make_report": ("Make the report", "Hesabatı hazırla", "أنشئ التقرير", "ساخت گزارش"),
    "satisfaction": (
        "Satisfaction (ISO 10004)",
        "Məmnunluq (ISO 10004)",
        "الرضا (ISO 10004)",
        "رضایت (ISO 10004)",
    ),
    "response_rate": (
        "Answered, of those asked",
        "Soruşulanlardan cavab verənlər",
        "من أجابوا ممن سُئلوا",
        "پاسخ‌دهندگان از پرسش‌شدگان",
    ),
    "never_asked": ("Never asked", "Heç soruşulmayıb", "لم يُسألوا أبدًا", "هرگز پرسیده نشده"),
    "not_yet_asked": ("Not asked yet", "Hələ soruşulmayıb", "لم يُسألوا بعد", "هنوز پرسیده نشده"),
    "aspect": ("Aspect", "Aspekt", "الجانب", "جنبه"),
    "answers": ("Answers", "Cavablar", "الإجابات", "پاسخ‌ها"),
    "mean_score": (
        "Mean (95% interval)",
        "Orta (95% interval)",
        "المتوسط (فاصل 95%)",
        "میانگین (بازه ۹۵٪)",
    ),
    "satisfied_share": (
        "Satisfied (95% interval)",
        "Razı (95% interval)",
        "راضون (فاصل 95%)",
        "راضی (بازه ۹۵٪)",
    ),
    "too_few_answers": (
        "too few answers",
        "cavab azdır",
        "إجابات قليلة جدًا",
        "پاسخ‌ها بسیار کم است",
    ),
    "indirect_repeat_complaints": (
        "Repeat complaints",
        "Təkrar şikayətlər",
        "شكاوى متكررة",
        "شکایت‌های تکراری",
    ),
    "indirect_reopened": ("Reopened", "Yenidən açılıb", "أعيد فتحها", "بازگشایی‌شده"),
    "indirect_referred": (
        "Referred to a provider",
        "Kənar quruma göndərilib",
        "أحيلت إلى جهة خارجية",
        "ارجاع به نهاد بیرونی",
    ),
    "indirect_clock_breached": (
        "A deadline breached",
        "Müddət pozulub",
        "تجاوز مهلة",
        "مهلت نقض شده",
    ),
    "bucket": ("Buckets", "Dövr bölgüsü", "التجميع", "بازه‌بندی"),
    "download_csv": ("Download CSV", "CSV yüklə", "تنزيل CSV", "دریافت CSV"),
    "download_json": ("Download JSON", "JSON yüklə", "تنزيل JSON", "دریافت JSON"),
    "export_bundle": (
        "Verifiable export",
        "Yoxlanıla bilən ixrac",
        "تصدير قابل للتحقق",
        "برون‌بری راستی‌آزمایی‌پذیر",
    ),
    "download_bundle": ("Download the bundle", "Paketi yüklə", "تنزيل الحزمة", "دریافت بسته"),
    "with_personal": (
        "With personal values",
        "Şəxsi məlumatlarla",
        "مع البيانات الشخصية",
        "با داده‌های شخصی",
    ),
    "active_policy": ("Active policy", "Aktiv siyasət", "السياسة النافذة", "سیاست فعال"),
    "history": ("History", "Tarixçə", "السجل", "تاریخچه"),
    "proposed_by": ("Proposed by", "Təklif edən", "اقترحها", "پیشنهاددهنده"),
    "approved_by": ("Approved by", "Təsdiq edən", "وافق عليها", "تأییدکننده"),
    "draft": ("Draft", "Layihə", "المسودة", "پیش‌نویس"),
    "upload": ("Upload a file", "Fayl yüklə", "رفع ملف", "بارگذاری فایل"),
    "check_draft": ("Check the draft", "Layihəni yoxla", "افحص المسودة", "بررسی پیش‌نویس"),
    "problems": ("problems", "problem", "مشكلات", "مشکل"),
    "valid_draft": (
        "The draft is valid.",
        "Layihə etibarlıdır.",
        "المسودة صالحة.",
        "پیش‌نویس معتبر است.",
    ),
    "changes": (
        "Changes against the active policy",
        "Aktiv siyasətlə fərqlər",
        "التغييرات مقارنة بالسياسة النافذة",
        "تغییرات نسبت به سیاست فعال",
    ),
    "no_changes": ("No change.", "Dəyişiklik yoxdur.", "لا تغيير.", "بدون تغییر."),
    "propose": (
        "Propose for approval",
        "Təsdiqə təqdim et",
        "اقترح للموافقة",
        "پیشنهاد برای تأیید",
    ),
    "proposals": ("Awaiting approval", "Təsdiq gözləyir", "بانتظار الموافقة", "در انتظار تأیید"),
    "approve": ("Approve and publish", "Təsdiq et və dərc et", "وافق وانشر", "تأیید و انتشار"),
    "withdraw": ("Withdraw the proposal", "Təklifi geri götür", "اسحب المقترح", "پس گرفتن پیشنهاد"),
    "withdraw_reason": (
        "Why (optional)",
        "Səbəb (istəyə bağlı)",
        "السبب (اختياري)",
        "دلیل (اختیاری)",
    ),
    "act_proposed": ("proposed", "təklif edildi", "اقتُرح", "پیشنهاد شد"),
    "act_published": ("published", "dərc edildi", "نُشر", "منتشر شد"),
    "act_withdrawn": ("withdrawn", "geri götürüldü", "سُحب", "پس گرفته شد"),
    "own_proposal": (
        "You proposed this version: another admin must approve it.",
        "Bu versiyanı siz təklif etmisiniz: onu başqa administrator təsdiq etməlidir.",
        "أنت من اقترح هذا الإصدار: يجب أن يوافق عليه مسؤول آخر.",
        "شما این نسخه را پیشنهاد داده‌اید: مدیر دیگری باید آن را تأیید کند.",
    ),
    "run_what_if": ("Run the what-if", "Ssenarini işə sal", "شغّل المحاكاة", "اجرای سناریو"),
    "progress": ("Progress", "Gedişat", "التقدم", "پیشرفت"),
    "job_queued": (
        "Waiting for a worker",
        "İşçini gözləyir",
        "بانتظار عامل",
        "در انتظار اجراکننده",
    ),
    "job_running": ("Running", "İcra olunur", "قيد التشغيل", "در حال اجرا"),
    "job_finished": ("Finished", "Başa çatdı", "اكتمل", "پایان یافت"),
    "job_failed": ("Failed", "Alınmadı", "فشل", "ناموفق"),
    "error_title": ("Something is not right", "Nə isə düz deyil", "هناك خطأ ما", "مشکلی پیش آمده"),
    "nothing_changed": (
        "Nothing was changed.",
        "Heç nə dəyişdirilmədi.",
        "لم يتغيّر شيء.",
        "چیزی تغییر نکرد.",
    ),
    "back": ("Back", "Geri", "رجوع", "بازگشت"),
    "session_expired": (
        "Your session has expired. Sign in again.",
        "Sessiyanızın vaxtı bitib. Yenidən daxil olun.",
        "انتهت جلستك. سجّل الدخول مجدداً.",
        "نشست شما به پایان رسیده است. دوباره وارد شوید.",
    ),
    "forbidden": (
        "Your role cannot open this page.",
        "Rolunuz bu səhifəni aça bilməz.",
        "لا يسمح دورك بفتح هذه الصفحة.",
        "نقش شما اجازه باز کردن این صفحه را ندارد.",
    ),
    "not_found": ("Not found", "Tapılmadı", "غير موجود", "یافت نشد"),
    "stale_form": (
        "This form was altered or has expired. Reload the page and try again.",
        "Bu forma dəyişdirilib və ya vaxtı keçib. Səhifəni yeniləyin və yenidən cəhd edin.",
        "تم تعديل هذا النموذج أو انتهت صلاحيته. أعد تحميل الصفحة وحاول مجدداً.",
        "این فرم دستکاری شده یا منقضی شده است. صفحه را دوباره بارگذاری کنید.",
    ),
    # Labels of the pages' facts, tables and notes.
    "line": ("line", "sətir", "السطر", "خط"),
    "no_active_policy": (
        "no active policy",
        "aktiv siyasət yoxdur",
        "لا توجد سياسة سارية",
        "سیاست فعالی نیست",
    ),
    "offline_download": (
        "Download the verifiable export and unzip it:",
        "Yoxlanıla bilən ixracı endirin və arxivdən çıxarın:",
        "نزّل التصدير القابل للتحقق وفكّ ضغطه:",
        "برون‌بری راستی‌آزمایی‌پذیر را بارگیری و از حالت فشرده خارج کنید:",
    ),
    "offline_key": (
        "Obtain the organisation's public key through another channel than the export, and "
        "compare its SHA-256 fingerprint with the one above.",
        "Təşkilatın açıq açarını ixracdan başqa bir kanalla əldə edin və onun SHA-256 "
        "barmaq izini yuxarıdakı ilə müqayisə edin.",
        "احصل على المفتاح العام للمؤسسة عبر قناة غير التصدير، وقارن بصمة SHA-256 الخاصة به "
        "بالبصمة المعروضة أعلاه.",
        "کلید عمومی سازمان را از راهی جز برون‌بری به دست آورید و اثر انگشت SHA-256 آن را با "
        "اثر انگشت بالا مقایسه کنید.",
    ),
    "offline_explains": (
        "It recomputes every entry's hash and chain, each checkpoint's Merkle root and "
        "signature, and that the entries are exactly those the checkpoints signed; it needs no "
        "access to Plaint's tables. manifest.json names each file's SHA-256.",
        "O, hər qeydin heşini və zəncirini, hər nəzarət nöqtəsinin Merkle kökünü və imzasını, "
        "qeydlərin məhz nəzarət nöqtələrinin imzaladıqları olduğunu yenidən hesablayır; "
        "Plaint-in cədvəllərinə giriş tələb etmir. manifest.json hər faylın SHA-256-nı göstərir.",
        "يعيد حساب بصمة كل قيد وسلسلته، وجذر ميركل لكل نقطة تحقق وتوقيعها، ويتأكد أن القيود هي "
        "بالضبط ما وقّعته نقاط التحقق؛ ولا يحتاج إلى الوصول إلى جداول Plaint. يذكر "
        "manifest.json بصمة SHA-256 لكل ملف.",
        "هش و زنجیرهٔ هر ورودی، ریشهٔ مرکل و امضای هر نقطهٔ بازبینی، و این‌که ورودی‌ها دقیقاً "
        "همان‌هایی‌اند که نقاط بازبینی امضا کرده‌اند را دوباره محاسبه می‌کند؛ به جدول‌های Plaint "
        "دسترسی لازم ندارد. manifest.json هش SHA-256 هر پرونده را نام می‌برد.",
    ),
    "kind": ("Kind", "Növ", "النوع", "نوع"),
    "merkle_root": ("Merkle root", "Merkle kökü", "جذر ميركل", "ریشهٔ مرکل"),
    "previous_hash": ("previous", "əvvəlki", "السابقة", "قبلی"),
    "hash": ("hash", "heş", "البصمة", "هش"),
    "checkpoint": ("checkpoint", "nəzarət nöqtəsi", "نقطة التحقق", "نقطهٔ بازبینی"),
    "acknowledgement": ("acknowledgement", "qəbul bildirişi", "الإقرار بالاستلام", "اعلام وصول"),
    "overdue": ("overdue", "gecikib", "متأخر", "دیرکرد"),
    "chain": ("chain", "zəncir", "السلسلة", "زنجیره"),
    "links_hold": ("links hold", "bağlar bütövdür", "الروابط سليمة", "پیوندها سالم‌اند"),
    "broken_at": ("broken at", "qırıldığı yer", "مكسورة عند", "شکسته در"),
    "erased": ("erased", "silinib", "مُحيت", "پاک‌شده"),
    "missing": ("missing", "çatışmır", "ناقصة", "کم است"),
    "disposed": ("disposed", "məhv edilib", "أُتلفت", "امحا شد"),
    "not_a_complaint": ("not a complaint", "şikayət deyil", "ليست شكوى", "شکایت نیست"),
    "awaiting_review": (
        "possible complaints awaiting review",
        "yoxlanış gözləyən ehtimali şikayət",
        "شكاوى محتملة بانتظار المراجعة",
        "شکایت احتمالی در انتظار بررسی",
    ),
    "acknowledgement_on_time": (
        "acknowledgement on time",
        "vaxtında qəbul bildirişi",
        "الإقرار في موعده",
        "اعلام وصول به‌موقع",
    ),
    "final_response_on_time": (
        "final response on time",
        "vaxtında yekun cavab",
        "الرد النهائي في موعده",
        "پاسخ نهایی به‌موقع",
    ),
    "every_version": ("Every version", "Bütün versiyalar", "كل الإصدارات", "همهٔ نسخه‌ها"),
    "deliveries": ("deliveries", "çatdırılmalar", "الرسائل الواردة", "تحویل‌ها"),
    "tickets": ("tickets", "müraciətlər", "التذاكر", "تیکت‌ها"),
    "unchanged": ("unchanged", "dəyişməyib", "دون تغيير", "بدون تغییر"),
    "what_changed": ("changes", "dəyişikliklər", "التغييرات", "تغییرها"),
    "under_active": ("active", "aktiv", "السارية", "فعال"),
    "under_draft": ("draft", "layihə", "المسودة", "پیش‌نویس"),
    "change_newly_recognised": (
        "newly recognised",
        "yeni tanınıb",
        "صارت تُعدّ شكوى",
        "تازه شکایت شناخته شد",
    ),
    "change_no_longer_recognised": (
        "no longer recognised",
        "artıq tanınmır",
        "لم تعد تُعدّ شكوى",
        "دیگر شکایت شناخته نمی‌شود",
    ),
    "change_category": ("category", "kateqoriya", "الفئة", "دسته"),
    "change_severity": ("severity", "ciddilik", "الخطورة", "شدت"),
    "change_regime": ("regime", "rejim", "النظام الرقابي", "رژیم"),
    "change_acknowledgement_deadline": (
        "acknowledgement deadline",
        "qəbul bildirişinin son tarixi",
        "موعد الإقرار",
        "مهلت اعلام وصول",
    ),
    "change_clock_deadlines": (
        "clock deadlines",
        "müddətlərin son tarixləri",
        "مواعيد المهل",
        "مهلت‌های ساعت‌ها",
    ),
    "too_large": (
        "That is larger than the portal accepts.",
        "Bu, portalın qəbul etdiyindən böyükdür.",
        "هذا أكبر مما تقبله البوابة.",
        "این بزرگ‌تر از حدی است که درگاه می‌پذیرد.",
    ),
    "server_error": (
        "The portal could not answer. The error is logged; nothing was changed.",
        "Portal cavab verə bilmədi. Xəta qeydə alındı; heç nə dəyişdirilmədi.",
        "تعذّر على البوابة الرد. سُجّل الخطأ ولم يتغيّر شيء.",
        "درگاه نتوانست پاسخ دهد. خطا ثبت شد و چیزی تغییر نکرد.",
    ),
}

# The portal's own explanations of a refusal (portal.errors), by their English template:
# (Azerbaijani, Arabic, Persian). Names in braces are filled in (a field's name, a number,
# a version). tests/functional/portal/test_i18n.py fails on one raised without its words.
_DETAILS: dict[str, tuple[str, str, str]] = {
    "an auditor's bearer token is required": (
        "auditorun daşıyıcı açarı tələb olunur",
        "يلزم رمز حامل خاص بمدقق",
        "توکن حامل حسابرس لازم است",
    ),
    "the form's token is missing or not this session's": (
        "formanın açarı yoxdur və ya bu sessiyaya aid deyil",
        "رمز النموذج مفقود أو لا يخص هذه الجلسة",
        "توکن فرم وجود ندارد یا از این نشست نیست",
    ),
    "your account is in neither the auditors' nor the admins' group": (
        "hesabınız nə auditorlar, nə də administratorlar qrupundadır",
        "حسابك ليس في مجموعة المدققين ولا في مجموعة المسؤولين",
        "حساب شما نه در گروه حسابرسان است و نه در گروه مدیران",
    ),
    "a form sent from {origin}": (
        "{origin} ünvanından göndərilmiş forma",
        "نموذج مُرسل من {origin}",
        "فرمی که از {origin} فرستاده شده است",
    ),
    "a name has no control characters": (
        "ad idarəetmə simvolları daşımır",
        "لا يحتوي الاسم على محارف تحكم",
        "نام نویسه‌های کنترلی ندارد",
    ),
    "a period of more than {days} days would read the whole index: choose a shorter one": (
        "{days} gündən uzun dövr bütün indeksi oxuyardı: daha qısasını seçin",
        "فترة أطول من {days} يومًا ستقرأ الفهرس كله: اختر فترة أقصر",
        "بازه‌ای بیش از {days} روز کل نمایه را می‌خواند: بازهٔ کوتاه‌تری برگزینید",
    ),
    "a policy version is 64 hexadecimal characters": (
        "siyasət versiyası 64 onaltılıq simvoldur",
        "إصدار السياسة 64 محرفًا ست عشريًا",
        "نسخهٔ سیاست ۶۴ نویسهٔ شانزده‌شانزدهی است",
    ),
    "admin pages are for admins": (
        "administrator səhifələri administratorlar üçündür",
        "صفحات الإدارة للمسؤولين فقط",
        "صفحه‌های مدیریت فقط برای مدیران است",
    ),
    "another publication moved the active policy; try again": (
        "başqa dərc aktiv siyasəti dəyişdi; yenidən cəhd edin",
        "نشرٌ آخر غيّر السياسة السارية؛ حاول مجددًا",
        "انتشار دیگری سیاست فعال را جابه‌جا کرد؛ دوباره تلاش کنید",
    ),
    "choose one of the languages and time zones offered": (
        "təklif olunan dillərdən və saat qurşaqlarından birini seçin",
        "اختر إحدى اللغات والمناطق الزمنية المعروضة",
        "یکی از زبان‌ها و منطقه‌های زمانی پیشنهادی را برگزینید",
    ),
    "days: one of the periods offered": (
        "günlər: təklif olunan dövrlərdən biri",
        "الأيام: إحدى الفترات المعروضة",
        "روزها: یکی از بازه‌های پیشنهادی",
    ),
    "give your name, at most {limit} characters": (
        "adınızı yazın, ən çoxu {limit} simvol",
        "اكتب اسمك، {limit} محرفًا على الأكثر",
        "نام خود را بنویسید، حداکثر {limit} نویسه",
    ),
    "no checkpoint archive is configured": (
        "nəzarət nöqtələri arxivi qurulmayıb",
        "لم يُضبط أرشيف لنقاط التحقق",
        "بایگانی نقاط بازبینی پیکربندی نشده است",
    ),
    "no checkpoint archive or key is configured": (
        "nəzarət nöqtələri arxivi və ya açarı qurulmayıb",
        "لم يُضبط أرشيف أو مفتاح لنقاط التحقق",
        "بایگانی یا کلید نقاط بازبینی پیکربندی نشده است",
    ),
    "no complaint has an id like that": (
        "belə identifikatorlu şikayət yoxdur",
        "لا توجد شكوى بمعرّف كهذا",
        "هیچ شکایتی چنین شناسه‌ای ندارد",
    ),
    "no complaint {id}": ("{id} şikayəti yoxdur", "لا توجد الشكوى {id}", "شکایت {id} وجود ندارد"),
    "no policy {version}": (
        "{version} siyasəti yoxdur",
        "لا توجد السياسة {version}",
        "سیاست {version} وجود ندارد",
    ),
    "no proposal {version} awaits approval": (
        "təsdiq gözləyən {version} təklifi yoxdur",
        "لا يوجد مقترح {version} بانتظار الموافقة",
        "پیشنهاد {version} در انتظار تأیید نیست",
    ),
    "no role for that token": (
        "bu açar heç bir rol vermir",
        "لا دور لهذا الرمز",
        "این توکن نقشی ندارد",
    ),
    "no such what-if (they are kept a week)": (
        "belə ssenari yoxdur (ssenarilər bir həftə saxlanılır)",
        "لا توجد محاكاة كهذه (تُحفظ أسبوعًا)",
        "چنین سناریویی وجود ندارد (سناریوها یک هفته نگه داشته می‌شوند)",
    ),
    "no such what-if": ("belə ssenari yoxdur", "لا توجد محاكاة كهذه", "چنین سناریویی وجود ندارد"),
    "scope: the whole log, a period or one complaint": (
        "əhatə: bütün jurnal, bir dövr və ya bir şikayət",
        "النطاق: السجل كله أو فترة أو شكوى واحدة",
        "دامنه: کل دفتر، یک بازه یا یک شکایت",
    ),
    "sign in again": ("yenidən daxil olun", "سجّل الدخول مجددًا", "دوباره وارد شوید"),
    "sign in to continue": (
        "davam etmək üçün daxil olun",
        "سجّل الدخول للمتابعة",
        "برای ادامه وارد شوید",
    ),
    "the draft is empty: paste a policy or upload its file": (
        "layihə boşdur: siyasəti yapışdırın və ya faylını yükləyin",
        "المسودة فارغة: الصق سياسة أو ارفع ملفها",
        "پیش‌نویس خالی است: سیاستی را بچسبانید یا پرونده‌اش را بارگذاری کنید",
    ),
    "the draft is not UTF-8 text": (
        "layihə UTF-8 mətni deyil",
        "المسودة ليست نصًا بترميز UTF-8",
        "پیش‌نویس متن UTF-8 نیست",
    ),
    "the form was altered: reload the draft page and try again": (
        "forma dəyişdirilib: layihə səhifəsini yeniləyin və yenidən cəhd edin",
        "عُدّل النموذج: أعد تحميل صفحة المسودة وحاول مجددًا",
        "فرم دستکاری شده است: صفحهٔ پیش‌نویس را دوباره بارگذاری کنید و دوباره تلاش کنید",
    ),
    "the period ends before it starts": (
        "dövr başlamazdan əvvəl bitir",
        "تنتهي الفترة قبل أن تبدأ",
        "بازه پیش از آغازش پایان می‌یابد",
    ),
    "the proposal changed meanwhile; look again": (
        "təklif bu arada dəyişib; yenidən baxın",
        "تغيّر المقترح في الأثناء؛ راجعه مجددًا",
        "پیشنهاد در این میان تغییر کرد؛ دوباره نگاه کنید",
    ),
    "the proposal no longer parses; it was not published": (
        "təklif artıq oxunmur; dərc edilmədi",
        "لم يعد المقترح صالحًا للقراءة؛ ولم يُنشر",
        "پیشنهاد دیگر خوانا نیست؛ منتشر نشد",
    ),
    "this portal signs in through Amazon Cognito": (
        "bu portala Amazon Cognito ilə daxil olunur",
        "تسجيل الدخول إلى هذه البوابة عبر Amazon Cognito",
        "ورود به این درگاه از راه Amazon Cognito است",
    ),
    "this sign-in was not started here, or has been used": (
        "bu giriş burada başlanmayıb və ya artıq istifadə olunub",
        "لم يبدأ تسجيل الدخول هذا هنا، أو استُخدم من قبل",
        "این ورود اینجا آغاز نشده یا پیش‌تر به کار رفته است",
    ),
    "time zone: not one the portal knows": (
        "saat qurşağı: portalın tanımadığı qurşaq",
        "المنطقة الزمنية: ليست منطقة تعرفها البوابة",
        "منطقهٔ زمانی: درگاه آن را نمی‌شناسد",
    ),
    "what-ifs are not configured here (no job table or queue)": (
        "ssenarilər burada qurulmayıb (iş cədvəli və ya növbəsi yoxdur)",
        "المحاكاة غير مضبوطة هنا (لا جدول مهام ولا طابور)",
        "سناریوها اینجا پیکربندی نشده‌اند (جدول کار یا صف وجود ندارد)",
    ),
    "your session has expired": (
        "sessiyanızın vaxtı bitib",
        "انتهت صلاحية جلستك",
        "نشست شما منقضی شده است",
    ),
    "{name}: a date as YYYY-MM-DD": (
        "{name}: İİİİ-AA-GG formatında tarix",
        "{name}: تاريخ بصيغة YYYY-MM-DD",
        "{name}: تاریخ به شکل YYYY-MM-DD",
    ),
    "{name}: letters, digits and . _ : @ + - only": (
        "{name}: yalnız hərflər, rəqəmlər və . _ : @ + -",
        "{name}: حروف وأرقام و . _ : @ + - فقط",
        "{name}: فقط حرف، رقم و . _ : @ + -",
    ),
    "{name}: not one of the choices offered": (
        "{name}: təklif olunan seçimlərdən deyil",
        "{name}: ليس من الخيارات المعروضة",
        "{name}: از گزینه‌های پیشنهادی نیست",
    ),
    "{name}: yes, no or any": (
        "{name}: bəli, xeyr və ya hər hansı",
        "{name}: نعم أو لا أو أيّ",
        "{name}: بله، خیر یا هر کدام",
    ),
}

# The report's charts (plaint.reporting.charts.ChartWords), field by field:
# (Azerbaijani, Arabic, Persian), with the same names in braces as the English.
_CHART_WORDS: dict[str, tuple[str, str, str]] = {
    "received_between": (
        "{first} – {last} arasında daxil olub ({zone})",
        "الواردة من {first} إلى {last} ({zone})",
        "دریافت‌شده از {first} تا {last} ({zone})",
    ),
    "by_category_title": (
        "Hər {bucket} daxil olan şikayətlər, kateqoriyalar üzrə",
        "الشكاوى الواردة لكل {bucket}، حسب الفئة",
        "شکایت‌های دریافتی در هر {bucket}، به تفکیک دسته",
    ),
    "no_complaints": (
        "Bu dövrdə şikayət daxil olmayıb",
        "لم ترد شكاوى في هذه الفترة",
        "در این بازه شکایتی دریافت نشده است",
    ),
    "by_category_desc": (
        "{period}. Cəmi {complaints} şikayət; kateqoriyalar üzrə: {totals}. "
        "Hər {bucket}: {per_bucket}.",
        "{period}. مجموع الشكاوى {complaints}؛ حسب الفئة: {totals}. لكل {bucket}: {per_bucket}.",
        "{period}. در مجموع {complaints} شکایت؛ به تفکیک دسته: {totals}. "
        "در هر {bucket}: {per_bucket}.",
    ),
    "none": ("yoxdur", "لا شيء", "هیچ"),
    "other_categories": ("digər kateqoriyalar", "فئات أخرى", "دسته‌های دیگر"),
    "stack_part": (
        "{bucket}: {name}, {total} şikayətdən {count}",
        "{bucket}: {name}، {count} من {total}",
        "{bucket}: {name}، {count} از {total}",
    ),
    "no_deadline_reached": ("heç bir son tarix çatmayıb", "لم يحن أي موعد", "هنوز مهلتی نرسیده"),
    "kept": (
        "{what} {share}: {denominator} üzrə {on_time} vaxtında, {pending} gözləmədə",
        "{what} {share}: {on_time} من {denominator} في الموعد، و{pending} قيد الانتظار",
        "{what} {share}: {on_time} از {denominator} به‌موقع، {pending} در انتظار",
    ),
    "acknowledgement": ("qəbul bildirişi", "الإقرار", "اعلام وصول"),
    "final_response": ("yekun cavab", "الرد النهائي", "پاسخ نهایی"),
    "on_time_title": (
        "Vaxtında cavablar, daxilolma {bucket} üzrə",
        "المواعيد المحترمة لكل {bucket} استلام",
        "مهلت‌های رعایت‌شده در هر {bucket} دریافت",
    ),
    "on_time_desc": (
        "{period}. Hədəf {target}. Bütün dövr: {acknowledgement}; {final_response}. {per_bucket}.",
        "{period}. الهدف {target}. الفترة كلها: {acknowledgement}؛ {final_response}. {per_bucket}.",
        "{period}. هدف {target}. کل بازه: {acknowledgement}؛ {final_response}. {per_bucket}.",
    ),
    "not_applicable": ("yoxdur", "غ/م", "ندارد"),
    "target": ("hədəf {share}", "الهدف {share}", "هدف {share}"),
    "breaches_title": (
        "Saatlar üzrə müddət pozuntuları",
        "تجاوزات المهل حسب الساعة",
        "نقض مهلت‌ها به تفکیک ساعت",
    ),
    "no_clocks": ("Saat yoxdur.", "لا ساعات.", "ساعتی نیست."),
    "nothing_to_breach": (
        "Bu dövrdə pozula bilən saat yoxdur",
        "لا توجد ساعة يمكن تجاوز مهلتها في هذه الفترة",
        "در این بازه ساعتی نیست که مهلتش نقض شود",
    ),
    "breach": (
        "{clock} ({kind} saatı): {carried} üzrə {breached} pozuntu, "
        "{warnings} xəbərdarlıq göndərilib",
        "{clock} (ساعة {kind}): {breached} تجاوزًا من {carried}، و{warnings} تنبيهات مرسلة",
        "{clock} (ساعت {kind}): {breached} نقض از {carried}، {warnings} هشدار فرستاده شد",
    ),
    "of": ("{total} üzrə {count}", "{count} من {total}", "{count} از {total}"),
    "satisfaction_title": (
        "Şikayətə baxılmasından razı qalanlar, aspektlər üzrə",
        "المشتكون الراضون عن معالجة الشكوى، حسب الجانب",
        "شاکیان راضی از رسیدگی، به تفکیک جنبه",
    ),
    "satisfaction_desc": (
        "{period}. Soruşulan {asked} nəfərdən {answered} cavab verib. {aspects}.",
        "{period}. أجاب {answered} من {asked} ممن سُئلوا. {aspects}.",
        "{period}. {answered} از {asked} پرسش‌شده پاسخ دادند. {aspects}.",
    ),
    "satisfied": (
        "{aspect}: {total} nəfərdən {count} razı ({share}, 95% interval {low}–{high}), "
        "orta {mean}, maksimum {highest}",
        "{aspect}: {count} من {total} راضون ({share}، فاصل 95% من {low} إلى {high})، "
        "المتوسط {mean} من {highest}",
        "{aspect}: {count} از {total} راضی ({share}، بازه ۹۵٪ از {low} تا {high})، "
        "میانگین {mean} از {highest}",
    ),
    "too_few_answers": (
        "{aspect}: cavab azdır ({count})",
        "{aspect}: إجابات قليلة جدًا ({count})",
        "{aspect}: پاسخ‌ها بسیار کم است ({count})",
    ),
}
_CHART_BUCKETS: dict[str, tuple[str, str, str]] = {
    "day": ("gün", "يوم", "روز"),
    "week": ("həftə", "أسبوع", "هفته"),
    "month": ("ay", "شهر", "ماه"),
}


def chart_words(language: str) -> ChartWords:
    """The charts' words in `language` (English when it has none)."""
    index = _INDEX.get(language, 0)
    if not index:
        return ENGLISH
    chosen = {name: texts[index - 1] for name, texts in _CHART_WORDS.items()}
    buckets = {size: texts[index - 1] for size, texts in _CHART_BUCKETS.items()}
    return ChartWords(**chosen, buckets=buckets)


_INDEX = {"en": 0, "az": 1, "ar": 2, "fa": 3}


def words(language: str) -> dict[str, str]:
    """Every key's words in `language` (English where a language lacks one)."""
    index = _INDEX.get(language, 0)
    return {key: texts[index] or texts[0] for key, texts in _WORDS.items()}


def detail(language: str, template: str, values: Mapping[str, object]) -> str:
    """A refusal's explanation in `language`: its words from the catalogue when the portal
    wrote them, else as given (an engine's message, in English)."""
    index = _INDEX.get(language, 0)
    texts = _DETAILS.get(template)
    chosen = texts[index - 1] if texts and index else template
    return chosen.format(**values) if values else chosen


def known_detail(template: str) -> bool:
    return template in _DETAILS


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def negotiate(accept_language: str) -> str:
    """The first supported language in an Accept-Language header, by its q-values."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def is_zone(name: str) -> bool:
    return name in zones()


_ZONES: frozenset[str] | None = None


def zones() -> frozenset[str]:
    global _ZONES  # noqa: PLW0603 - read once, on first use
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


# Left-to-right isolate: a date keeps its order inside Arabic or Persian text.
_LTR, _END = "\u2066", "\u2069"


def shown(instant: datetime | None, time_zone: str) -> str:
    """An instant as a person reads it in `time_zone`: 2026-11-24 18:00 +04."""
    if instant is None:
        return "-"
    local = instant.astimezone(zone(time_zone))
    offset = local.strftime("%z")
    short = offset[:3] if offset.endswith("00") else f"{offset[:3]}:{offset[3:]}"
    return f"{_LTR}{local:%Y-%m-%d %H:%M} {short}{_END}"


def utc(instant: datetime | None) -> str:
    if instant is None:
        return "-"
    return f"{_LTR}{instant.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z{_END}"
