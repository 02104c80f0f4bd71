"""The survey's own words (the email, the page, its refusals) in the languages Plaint
speaks. The questions themselves are the policy's (plaint.policy.surveys)."""

from __future__ import annotations

from typing import Final

from plaint.policy.surveys import RTL_LANGUAGES
from plaint.surveys.links import LinkProblem

FALLBACK = "en"

Phrases = dict[str, str]

WORDS: Final[dict[str, Phrases]] = {
    "en": {
        "subject": "How did we handle your complaint?",
        "reminder_subject": "Reminder: how did we handle your complaint?",
        "intro": "We recently answered your complaint. Please tell us how we handled it: "
        "it takes a minute and helps us improve.",
        "pick": "Choose a score ({lowest} = very dissatisfied, {highest} = very satisfied):",
        "all_questions": "Answer all the questions and add a comment",
        "title": "Your view of how we handled your complaint",
        "low": "very dissatisfied",
        "high": "very satisfied",
        "comment": "Anything else you would like to tell us? (optional)",
        "send": "Send",
        "thanks": "Thank you. Your answers have been recorded.",
        "recorded": "Your answer is recorded. You can add the others below.",
        "refused": "This survey link cannot be used",
        LinkProblem.FORGED: "This link is not valid. Please use the link in our email as it is.",
        LinkProblem.EXPIRED: "This survey link has expired. Thank you for your interest.",
        LinkProblem.REPLAYED: "This answer was already recorded; it is shown below.",
        LinkProblem.OTHER_COMPLAINT: "This link belongs to another survey.",
        LinkProblem.SCORE_OUT_OF_RANGE: "That score is not on the scale. Nothing was recorded.",
        LinkProblem.UNKNOWN_QUESTION: "That question is not part of this survey.",
        LinkProblem.COMMENT_TOO_LONG: "Your comment is too long. Please shorten it; "
        "nothing was recorded.",
        LinkProblem.UNREADABLE_FORM: "The form could not be read. Please try again.",
        LinkProblem.ERASED: "This survey is closed.",
        LinkProblem.NOT_ASKED: "This survey is not open.",
    },
    "az": {
        "subject": "Şikayətinizə necə baxdıq?",
        "reminder_subject": "Xatırlatma: şikayətinizə necə baxdıq?",
        "intro": "Bu yaxınlarda şikayətinizə cavab verdik. Zəhmət olmasa, şikayətinizə necə "
        "baxıldığını bizə bildirin: bu, bir dəqiqə çəkir və işimizi yaxşılaşdırmağa kömək edir.",
        "pick": "Qiymət seçin ({lowest} — heç razı deyiləm, {highest} — çox razıyam):",
        "all_questions": "Bütün suallara cavab verin və rəy əlavə edin",
        "title": "Şikayətinizə baxılması barədə fikriniz",
        "low": "heç razı deyiləm",
        "high": "çox razıyam",
        "comment": "Bizə demək istədiyiniz başqa nəsə varmı? (istəyə bağlı)",
        "send": "Göndər",
        "thanks": "Təşəkkür edirik. Cavablarınız qeydə alındı.",
        "recorded": "Cavabınız qeydə alındı. Digər suallara aşağıda cavab verə bilərsiniz.",
        "refused": "Bu sorğu keçidindən istifadə etmək mümkün deyil",
        LinkProblem.FORGED: "Bu keçid etibarlı deyil. Zəhmət olmasa, məktubumuzdakı keçiddən "
        "olduğu kimi istifadə edin.",
        LinkProblem.EXPIRED: "Bu sorğu keçidinin müddəti bitib. Marağınız üçün təşəkkür edirik.",
        LinkProblem.REPLAYED: "Bu cavab artıq qeydə alınıb; aşağıda göstərilir.",
        LinkProblem.OTHER_COMPLAINT: "Bu keçid başqa sorğuya aiddir.",
        LinkProblem.SCORE_OUT_OF_RANGE: "Bu qiymət şkalada yoxdur. Heç nə qeydə alınmadı.",
        LinkProblem.UNKNOWN_QUESTION: "Bu sual sorğuya daxil deyil.",
        LinkProblem.COMMENT_TOO_LONG: "Rəyiniz çox uzundur. Zəhmət olmasa, qısaldın; heç nə "
        "qeydə alınmadı.",
        LinkProblem.UNREADABLE_FORM: "Formu oxumaq mümkün olmadı. Zəhmət olmasa, yenidən "
        "cəhd edin.",
        LinkProblem.ERASED: "Bu sorğu bağlanıb.",
        LinkProblem.NOT_ASKED: "Bu sorğu açıq deyil.",
    },
    "tr": {
        "subject": "Şikâyetinizi nasıl ele aldık?",
        "reminder_subject": "Hatırlatma: Şikâyetinizi nasıl ele aldık?",
        "intro": "Kısa süre önce şikâyetinizi yanıtladık. Lütfen şikâyetinizi nasıl ele "
        "aldığımızı bize söyleyin: bir dakikanızı alır ve kendimizi geliştirmemize yardımcı olur.",
        "pick": "Bir puan seçin ({lowest} = hiç memnun değilim, {highest} = çok memnunum):",
        "all_questions": "Tüm soruları yanıtlayın ve yorum ekleyin",
        "title": "Şikâyetinizin ele alınışı hakkındaki görüşünüz",
        "low": "hiç memnun değilim",
        "high": "çok memnunum",
        "comment": "Bize söylemek istediğiniz başka bir şey var mı? (isteğe bağlı)",
        "send": "Gönder",
        "thanks": "Teşekkür ederiz. Yanıtlarınız kaydedildi.",
        "recorded": "Yanıtınız kaydedildi. Diğer soruları aşağıda yanıtlayabilirsiniz.",
        "refused": "Bu anket bağlantısı kullanılamıyor",
        LinkProblem.FORGED: "Bu bağlantı geçerli değil. Lütfen e-postamızdaki bağlantıyı "
        "olduğu gibi kullanın.",
        LinkProblem.EXPIRED: "Bu anket bağlantısının süresi doldu. İlginiz için teşekkür ederiz.",
        LinkProblem.REPLAYED: "Bu yanıt zaten kaydedildi; aşağıda gösteriliyor.",
        LinkProblem.OTHER_COMPLAINT: "Bu bağlantı başka bir ankete ait.",
        LinkProblem.SCORE_OUT_OF_RANGE: "Bu puan ölçekte yok. Hiçbir şey kaydedilmedi.",
        LinkProblem.UNKNOWN_QUESTION: "Bu soru ankette yer almıyor.",
        LinkProblem.COMMENT_TOO_LONG: "Yorumunuz çok uzun. Lütfen kısaltın; hiçbir şey "
        "kaydedilmedi.",
        LinkProblem.UNREADABLE_FORM: "Form okunamadı. Lütfen yeniden deneyin.",
        LinkProblem.ERASED: "Bu anket kapandı.",
        LinkProblem.NOT_ASKED: "Bu anket açık değil.",
    },
    "ru": {
        "subject": "Как мы рассмотрели вашу жалобу?",
        "reminder_subject": "Напоминание: как мы рассмотрели вашу жалобу?",
        "intro": "Недавно мы ответили на вашу жалобу. Расскажите, пожалуйста, как мы её "
        "рассмотрели: это займёт минуту и поможет нам стать лучше.",
        "pick": "Выберите оценку ({lowest} — совсем не доволен, {highest} — очень доволен):",
        "all_questions": "Ответить на все вопросы и оставить комментарий",
        "title": "Ваше мнение о рассмотрении жалобы",
        "low": "совсем не доволен",
        "high": "очень доволен",
        "comment": "Хотите что-нибудь добавить? (необязательно)",
        "send": "Отправить",
        "thanks": "Спасибо. Ваши ответы записаны.",
        "recorded": "Ваш ответ записан. Ниже можно ответить на остальные вопросы.",
        "refused": "Эту ссылку на опрос нельзя использовать",
        LinkProblem.FORGED: "Ссылка недействительна. Пожалуйста, используйте ссылку из нашего "
        "письма без изменений.",
        LinkProblem.EXPIRED: "Срок действия ссылки на опрос истёк. Спасибо за интерес.",
        LinkProblem.REPLAYED: "Этот ответ уже записан; он показан ниже.",
        LinkProblem.OTHER_COMPLAINT: "Эта ссылка относится к другому опросу.",
        LinkProblem.SCORE_OUT_OF_RANGE: "Такой оценки нет в шкале. Ничего не записано.",
        LinkProblem.UNKNOWN_QUESTION: "Такого вопроса в опросе нет.",
        LinkProblem.COMMENT_TOO_LONG: "Комментарий слишком длинный. Пожалуйста, сократите "
        "его; ничего не записано.",
        LinkProblem.UNREADABLE_FORM: "Не удалось прочитать форму. Пожалуйста, попробуйте ещё раз.",
        LinkProblem.ERASED: "Этот опрос закрыт.",
        LinkProblem.NOT_ASKED: "Этот опрос не открыт.",
    },
    "ar": {
        "subject": "كيف تعاملنا مع شكواك؟",
        "reminder_subject": "تذكير: كيف تعاملنا مع شكواك؟",
        "intro": "رددنا مؤخرًا على شكواك. نرجو أن تخبرنا كيف تعاملنا معها: لن يستغرق ذلك "
        "أكثر من دقيقة، وسيساعدنا على التحسن.",
        "pick": "اختر تقييمًا ({lowest} = غير راضٍ إطلاقًا، {highest} = راضٍ جدًا):",
        "all_questions": "أجب عن جميع الأسئلة وأضف تعليقًا",
        "title": "رأيك في طريقة التعامل مع شكواك",
        "low": "غير راضٍ إطلاقًا",
        "high": "راضٍ جدًا",
        "comment": "هل هناك شيء آخر تودّ إخبارنا به؟ (اختياري)",
        "send": "إرسال",
        "thanks": "شكرًا لك. تم تسجيل إجاباتك.",
        "recorded": "تم تسجيل إجابتك. يمكنك الإجابة عن بقية الأسئلة أدناه.",
        "refused": "لا يمكن استخدام رابط الاستبيان هذا",
        LinkProblem.FORGED: "هذا الرابط غير صالح. يُرجى استخدام الرابط الوارد في رسالتنا كما هو.",
        LinkProblem.EXPIRED: "انتهت صلاحية رابط الاستبيان هذا. شكرًا لاهتمامك.",
        LinkProblem.REPLAYED: "تم تسجيل هذه الإجابة من قبل، وهي معروضة أدناه.",
        LinkProblem.OTHER_COMPLAINT: "هذا الرابط يخص استبيانًا آخر.",
        LinkProblem.SCORE_OUT_OF_RANGE: "هذا التقييم ليس ضمن المقياس. لم يُسجَّل شيء.",
        LinkProblem.UNKNOWN_QUESTION: "هذا السؤال ليس جزءًا من الاستبيان.",
        LinkProblem.COMMENT_TOO_LONG: "تعليقك طويل جدًا. يُرجى اختصاره؛ لم يُسجَّل شيء.",
        LinkProblem.UNREADABLE_FORM: "تعذّرت قراءة النموذج. يُرجى المحاولة مرة أخرى.",
        LinkProblem.ERASED: "تم إغلاق هذا الاستبيان.",
        LinkProblem.NOT_ASKED: "هذا الاستبيان غير متاح.",
    },
    "fa": {
        "subject": "رسیدگی ما به شکایت شما چگونه بود؟",
        "reminder_subject": "یادآوری: رسیدگی ما به شکایت شما چگونه بود؟",
        "intro": "به‌تازگی به شکایت شما پاسخ دادیم. لطفاً به ما بگویید رسیدگی ما چگونه بود: "
        "فقط یک دقیقه وقت می‌گیرد و به بهتر شدن کار ما کمک می‌کند.",
        "pick": "یک امتیاز انتخاب کنید ({lowest} = اصلاً راضی نیستم، {highest} = بسیار راضی‌ام):",
        "all_questions": "به همه پرسش‌ها پاسخ دهید و نظرتان را بنویسید",
        "title": "نظر شما درباره رسیدگی به شکایتتان",
        "low": "اصلاً راضی نیستم",
        "high": "بسیار راضی‌ام",
        "comment": "چیز دیگری هست که بخواهید به ما بگویید؟ (اختیاری)",
        "send": "ارسال",
        "thanks": "سپاسگزاریم. پاسخ‌های شما ثبت شد.",
        "recorded": "پاسخ شما ثبت شد. می‌توانید در ادامه به پرسش‌های دیگر هم پاسخ دهید.",
        "refused": "از این پیوند نظرسنجی نمی‌توان استفاده کرد",
        LinkProblem.FORGED: "این پیوند معتبر نیست. لطفاً از پیوند موجود در ایمیل ما بدون "
        "تغییر استفاده کنید.",
        LinkProblem.EXPIRED: "مهلت این پیوند نظرسنجی به پایان رسیده است. از توجه شما سپاسگزاریم.",
        LinkProblem.REPLAYED: "این پاسخ پیش‌تر ثبت شده است و در پایین نمایش داده می‌شود.",
        LinkProblem.OTHER_COMPLAINT: "این پیوند مربوط به نظرسنجی دیگری است.",
        LinkProblem.SCORE_OUT_OF_RANGE: "این امتیاز در مقیاس نیست. چیزی ثبت نشد.",
        LinkProblem.UNKNOWN_QUESTION: "این پرسش جزو این نظرسنجی نیست.",
        LinkProblem.COMMENT_TOO_LONG: "نظر شما بیش از حد طولانی است. لطفاً کوتاه‌ترش کنید؛ "
        "چیزی ثبت نشد.",
        LinkProblem.UNREADABLE_FORM: "فرم خوانده نشد. لطفاً دوباره تلاش کنید.",
        LinkProblem.ERASED: "این نظرسنجی بسته شده است.",
        LinkProblem.NOT_ASKED: "این نظرسنجی باز نیست.",
    },
}


def language_of(language: str | None) -> str:
    """A language the survey's words exist in: the one asked for, else English."""
    base = (language or FALLBACK).lower().split("-", 1)[0]
    return base if base in WORDS else FALLBACK


def words(language: str | None) -> Phrases:
    return WORDS[language_of(language)]


def direction(language: str) -> str:
    return "rtl" if language.lower().split("-", 1)[0] in RTL_LANGUAGES else "ltr"
