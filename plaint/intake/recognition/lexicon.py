"""Cue lexicons: stems, per language, that the recogniser turns into features and names as
evidence.

Each entry is a pattern of one or more words. A word matches a token of the ticket whose
base form (after the language's clitic prefixes are removed) starts with it, so one stem
covers a Turkic or Russian word with any suffixes and an Arabic or Persian word with any
attached pronoun or plural. A word written with a leading "=" must match the whole token.
Entries are written in ordinary spelling; they are normalised (case, letter variants) the
same way as the ticket text before matching.

Two kinds of class:

- cue classes (keys with a dot): naming the evidence itself, e.g. "severity.fraud";
- polar classes (no dot): states that read one way as they stand and the other way when
  negated. "satisfaction" becomes the cue "dissatisfaction.negated_satisfaction" inside a
  negation; "arrival" becomes "failure.not_arrived", and so on (see NEGATED).
"""

from __future__ import annotations


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Polar class -> the cue it gives when negated ("not satisfied", "has not arrived").
NEGATED: dict[str, str] = {
    "satisfaction": "dissatisfaction.negated_satisfaction",
    "arrival": "failure.not_arrived",
    "working": "failure.not_working",
    "response": "failure.no_response",
    "resolution": "failure.not_resolved",
    "refunded": "failure.not_refunded",
    "praise": "dissatisfaction.negated_praise",
    # Plain good qualities ("fresh", "on time", "I buy it every week"): no sarcasm beside a
    # fault, as praise can be, but their negation is a complaint like negated praise.
    "quality": "dissatisfaction.negated_praise",
    "cancellation": "failure.not_resolved",
}

# Cues derived from combinations rather than matched directly.
DERIVED: tuple[str, ...] = ("sarcasm.praise_with_failure", "sarcasm.praise_opening")

# fmt: off
LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "satisfaction": (
            "happy", "satisfied", "pleased", "content with", "glad",
        ),
        "arrival": (
            "arrive", "receiv", "deliver", "credited", "reach", "show up", "came through",
            "got my", "turned up", "come through", "gone through", "went through",
        ),
        "working": (
            "work", "function", "load", "connect", "open", "let me", "allow", "fit",
        ),
        "response": (
            "respon", "repl", "answer", "call back", "called back", "get back", "heard back",
        ),
        "resolution": (
            "resolv", "fixed", "sorted", "solved", "address", "corrected", "remov",
        ),
        "refunded": (
            "refunded", "reimburs", "returned my", "my money back", "paid back",
        ),
        "praise": (
            "great", "excellent", "wonderful", "fantastic", "amazing", "brilliant", "superb",
            "perfect", "lovely", "awesome", "well done", "bravo", "love", "impressive",
        ),
        "dissatisfaction.explicit": (
            "complain", "complaint", "dissatisf", "unhappy", "unacceptable", "disappoint",
            "terrible", "awful", "horrible", "appalling", "disgust", "outrage", "ridiculous",
            "frustrat", "angry", "furious", "upset", "fed up", "shocking", "shameful",
            "incompeten", "worst", "poor service", "rude", "useless", "nightmare", "sick of",
            "tired of", "not good enough", "a joke", "waste of", "misled", "mislead", "lied",
            "unfair", "harass", "threaten", "abusive", "negligen", "inaccurate", "incorrect",
            "wrong", "error", "mistake", "dispute", "not mine", "violat", "illegal", "deceptive",
            "predatory", "unprofessional", "refus", "denied", "ignor", "what kind of service",
            "call this service", "hung up", "hang up", "disgrace", "shambles", "without notice",
            "without warning", "without explanation", "without any explanation",
            "without my consent", "without asking", "my rights", "do not like", "did not like",
            "dislike",
            # stating the complaint outright, as a request ("I want to complain")
            "want to complain", "would like to complain", "wish to complain",
            "want to make a complaint", "would like to make a complaint",
            "wish to make a complaint", "formal complaint", "i want to complain",
            "i would like to complain", "i wish to complain", "i want to make a complaint",
            "i would like to make a complaint", "i wish to make a complaint",
            "i'd like to complain", "i'd like to make a complaint",
        ),
        "dissatisfaction.polite": (
            "surprised to", "rather surprised", "i would have expected", "expected better",
            "somewhat concerned", "concerned that", "concerned about", "a little disappointed",
            "not quite what", "bit of a shame", "i must say", "i am afraid", "i'm afraid",
            "not ideal", "less than", "i would appreciate an explanation",
            "bring to your attention", "draw your attention", "regret to", "explain why",
            "why was my", "why has my", "why have you", "i was given no reason",
        ),
        "info.not_yet_used": (
            # the writer's own use still to come is no delay of the firm's ("not tried it yet")
            "not tried it yet", "not tried yet", "not used it yet", "not used yet",
            "not opened it yet", "not tasted it yet", "not cooked it yet", "yet to try",
            "yet to use", "yet to open", "still to try",
        ),
        "failure.delay": (
            "still", "yet to", "weeks", "months", "delay", "=late", "overdue", "waiting", "waited",
            "so long", "=ages", "since", "days ago", "no update", "no progress",
            "how long do i have to wait", "how much longer",
        ),
        "failure.charged_wrongly": (
            "charged twice", "double charg", "overcharg", "charged me", "extra charge",
            "hidden fee", "wrong amount", "deducted", "debited", "taken from my account",
            "took money", "withdrawn", "late fee", "interest charg", "billed",
        ),
        "failure.broken": (
            "broken", "broke", "damaged", "defective", "faulty", "crack", "smashed", "leak",
            "torn", "stopped working", "dead on arrival", "spoil", "rotten", "expired", "mould",
            "mold", "stale",
        ),
        "failure.lost": (
            "lost", "missing", "disappeared", "vanished", "misplaced", "lose", "losing",
        ),
        "failure.error": (
            "declin", "blocked", "frozen", "freez", "locked out", "crash", "glitch", "bug",
            "failed", "fails", "failure", "reject", "closed my", "suspended", "block", "cut off",
            "cutting off", "cut my", "disconnected", "switched off", "problem",
        ),
        "failure.repeated_contact": (
            "again", "third time", "several times", "many times", "multiple times", "numerous",
            "repeatedly", "every time", "each time", "over and over", "countless", "second time",
            "fourth time", "once again",
        ),
        "demand.refund": (
            "refund", "money back", "compensat", "reimburse", "chargeback", "reverse the",
            "credit back", "pay me back",
        ),
        "demand.fix": (
            "i expect", "i demand", "i want this", "please fix", "sort this out", "sort it out",
            "resolve this", "immediately", "urgent", "as soon as possible", "asap", "take action",
            "look into this", "investigate", "escalat", "put this right", "make this right",
            "i request that", "i insist", "correct this", "remove this", "to a manager",
            "speak to a manager", "supervisor",
        ),
        "severity.fraud": (
            "fraud", "scam", "unauthori", "not authori", "did not make", "didn't make",
            "never made", "stolen", "stole", "theft", "hacked", "phishing", "identity theft",
            "someone used my", "without my permission", "without my consent",
            "without my knowledge", "did not authori", "not recogni", "don't recogni",
            "without permission", "without her permission", "without his permission",
            "without our permission", "without authorisation", "without authorization",
            "without consent", "someone used", "used my card", "used her card", "used his card",
            "fake", "tricked", "scammer",
        ),
        "severity.safety": (
            "fire", "smoke", "burn", "electric shock", "shock", "injur", "explod", "poison",
            "hurt", "hospitalised", "hospitalized", "choking", "overheat", "sparks", "sparked",
            "spark", "burnt",
        ),
        "vulnerability.third_party": (
            "my mother", "my father", "my mum", "my mom", "my dad", "my grandmother",
            "my grandfather", "my grandma", "my grandpa", "my elderly", "my husband", "my wife",
            "my son", "my daughter", "my brother", "my sister", "on behalf of", "my aunt",
            "my uncle", "power of attorney", "her account", "his account", "my late", "my parent",
        ),
        "vulnerability.illness": (
            "hospital", "illness", "=ill", "sick", "cancer", "dementia", "alzheimer", "disabilit",
            "disabled", "wheelchair", "chemo", "surgery", "stroke", "blind", "deaf", "carer",
            "care home", "terminal", "dialysis",
        ),
        "vulnerability.distress": (
            "desperate", "distress", "stress", "anxiety", "anxious", "depress", "crying",
            "can't sleep", "cannot sleep", "at my wits", "breaking down", "devastat", "suicid",
            "overwhelm", "scared", "afraid", "panic", "in tears", "beg",
        ),
        "vulnerability.financial_hardship": (
            "can't afford", "cannot afford", "lost my job", "unemploy", "no money", "pay my rent",
            "evict", "foreclos", "bankrupt", "hardship", "struggling", "disability allowance",
        ),
        "vulnerability.bereavement": (
            "passed away", "died", "death", "deceased", "funeral", "bereave", "widow",
        ),
        "regulatory.ombudsman": (
            "ombudsman", "regulator", "fca", "cfpb", "consumer financial protection",
            "central bank", "report you", "trading standards", "attorney general", "bbb",
            "better business bureau", "financial conduct", "authorities",
        ),
        "regulatory.legal_action": (
            "lawyer", "attorney", "solicitor", "sue", "court", "legal action", "lawsuit",
            "small claims", "legal advice",
        ),
        "regulatory.data_protection": (
            "personal data", "my data", "data breach", "data protection", "gdpr", "privacy",
            "personal information", "shared my", "leaked", "subject access", "fcra",
        ),
        "request.question": (
            "how do i", "how can i", "how to", "can i", "could you tell", "is it possible",
            "when will", "what is", "what are", "do you", "does the", "where can",
            "i would like to know", "i'd like to know", "wondering", "could you please",
            "can you please", "please send", "please let me know", "i would like to",
            "information about", "enquir", "inquir", "question about",
        ),
        "request.hypothetical": (
            "what if", "what happens if", "in case", "if my", "if i", "should i", "suppose",
            "hypothetical", "just in case", "in the event",
        ),
        "gratitude.thanks": (
            "thank", "thanks", "appreciat", "grateful", "cheers", "kind regards", "have a nice",
            "have a great",
        ),
        "notice.auto_reply": (
            "out of office", "out of the office", "automatic reply", "auto reply", "autoreply",
            "auto-reply", "on annual leave", "on leave until", "away until",
            "limited access to email", "i will respond", "i will reply", "return on",
            "back in the office", "do not reply", "no-reply", "noreply", "not monitored",
            "logged automatically", "automatically", "received your message",
        ),
        "notice.delivery_status": (
            "delivery status notification", "undeliverable", "mail delivery", "mailer-daemon",
            "mailer daemon", "postmaster", "could not be delivered", "delivery has failed",
            "returned mail", "message not delivered", "recipient address rejected", "mailbox full",
            "smtp", "=550", "wasn't delivered", "was not delivered", "couldn't be delivered",
            "domain couldn't", "domain could not", "the domain", "couldn't be found",
        ),
        "marketing.promotion": (
            "unsubscribe", "newsletter", "discount", "special offer", "limited time", "click here",
            "promo", "win a", "you have won", "exclusive offer", "sale ends", "subscribe",
            "webinar", "free trial", "best price", "seo", "backlink", "qualify for", "reply yes",
            "find out more", "learn more", "deals", "black friday", "shop now", "click to",
            "enrol", "places limited", "percent off", "free demo", "book a demo",
            "guaranteed returns", "investment opportunity",
        ),
        "failure.unreachable": (
            "impossible to get through", "can't get through", "cannot get through",
            "line is always busy", "always engaged", "no way to contact", "impossible to reach",
            "impossible to contact",
        ),
        "request.action": (
            "please send", "please update", "please close", "please change", "please add",
            "kindly confirm", "please confirm", "i'd like to", "i would like to",
            "i want to order", "i want to switch", "i'd like to switch", "please switch",
            "book me", "i need to reset", "please reissue", "please cancel", "kindly send",
            "send me", "please provide", "could you send",
        ),
        "info.attachment": (
            "attached", "please find", "here is", "fyi", "reminder", "enclosed",
            "for your records",
        ),
        "info.personal_update": (
            "moving house", "new address", "travelling", "traveling", "changed my email",
            "changed my address", "i will be away", "i'll be away",
        ),
        "dissatisfaction.advises_against": (
            "don't buy", "do not buy", "would not recommend", "wouldn't recommend", "avoid this",
            "stay away", "never again", "not worth",
        ),
        "cancellation": (
            "cancelled", "cancel", "cancell",
        ),
        "failure.wrong_item": (
            "instead of", "wrong item", "the wrong",
        ),
        "failure.broken_promise": (
            "promised", "you said", "i was told", "was assured", "agreed to",
        ),
    },
    "az": {
        "satisfaction": (
            "razı", "məmnun", "şad", "xoşbəxt", "qane",
        ),
        "arrival": (
            "çat", "gəl", "daxil ol", "köçürül", "alma", "aldım", "almadım", "təhvil", "oturmay",
            "oturdu", "mədaxil", "yüklən",
        ),
        "working": (
            "işlə", "çalış", "açıl", "qoşul", "fəaliyyət", "uyğun gəl",
        ),
        "response": (
            "cavab", "zəng", "əlaqə saxla", "geri dön", "reaksiya",
        ),
        "resolution": (
            "həll", "düzəl", "aradan qaldır", "bərpa",
        ),
        "refunded": (
            "qaytarıl", "geri qaytar", "geri ver", "qaytar",
        ),
        "praise": (
            "əla", "super", "möhtəşəm", "mükəmməl", "gözəl", "afərin", "sağ olun ki", "bravo",
            "çox yaxşı", "əhsən", "təbriklər",
        ),
        "dissatisfaction.explicit": (
            "şikayət", "narazı", "qəbuledilməz", "məyus", "bezdim", "bezmişəm", "rəzalət",
            "biabırçı", "dəhşət", "pis", "hörmətsiz", "kobud", "ədalətsiz", "aldat", "yalan",
            "etiraz", "səhv", "xəta", "biabır", "həyasız", "yazıq", "əsəbi", "zəhləm", "ayıbdır",
            "ayıb", "bərbad", "lağ", "saymazyana", "özbaşına", "haqsız", "bu nə xidmət",
            "bu nə biabırçılıq", "görməzdən gəl", "zəngi kəs", "telefonu üzümə", "ayıb olsun",
            "rüsvayçılıq", "xəbərdarlıqsız", "xəbərdarlıq etmədən", "izahatsız", "səbəbsiz",
            "razılığım olmadan", "hüquqlarım", "xəbər vermədən",
            # stating the complaint outright, as a request ("I want to complain")
            "şikayət etmək istəyirəm", "şikayət etmək istərdim", "şikayət edirəm", "rəsmi şikayət",
        ),
        "dissatisfaction.polite": (
            "təəccübləndim", "təəccüblü", "gözləməzdim", "gözləyirdim", "narahatam", "narahatlıq",
            "təəssüf", "təəssüflər", "xahiş edirəm izah", "izah edəsiniz", "diqqətinizə çatdırmaq",
            "bir az məyus", "izah edin", "niyə bağlan", "heç bir səbəb", "=niyə",
        ),
        "info.not_yet_used": (
            "hələ yoxlamamış", "hələ istifadə etməmiş", "hələ dadmamış", "hələ açmamış",
            "hələ sınamamış",
        ),
        "failure.delay": (
            "hələ", "hələ də", "hələdə", "artıq", "gecik", "həftə", "aydır", "gündür",
            "gözləyirəm", "gözləyirik", "gözlədim", "uzun müddət", "vaxtında", "nə vaxt",
            "nə vaxta qədər", "nə qədər gözləməli",
        ),
        "failure.charged_wrongly": (
            "iki dəfə", "artıq ödəniş", "artıq tutul", "tutuldu", "tutulub", "çıxıldı", "çıxılıb",
            "silindi", "silinib", "kəsildi", "kəsilib", "yanlış məbləğ", "çıxarıl",
        ),
        "failure.broken": (
            "xarab", "zədələn", "sınıq", "sındı", "qırıl", "nasaz", "defekt", "korlan", "çürük",
            "iylən", "vaxtı keçmiş", "cırıq", "yararsız",
        ),
        "failure.lost": (
            "itib", "itdi", "itirildi", "yoxa çıx", "tapılmır", "itirilib",
        ),
        "failure.error": (
            "blokla", "bloka", "dondurul", "xəta ver", "imtina", "rədd", "bağlandı", "uğursuz",
            "alınmır", "alınmadı", "kəsdiniz", "kəsildi", "kəsilib", "kəsdi", "söndürül", "problem",
        ),
        "failure.repeated_contact": (
            "yenə", "yenidən", "dəfələrlə", "neçə dəfə", "bir neçə dəfə", "üçüncü dəfə",
            "ikinci dəfə", "hər dəfə", "təkrar",
        ),
        "demand.refund": (
            "pulumu geri", "geri qaytar", "kompensasiya", "təzminat", "pulumu qaytar", "geri ödə",
            "qaytarılmasını",
        ),
        "demand.fix": (
            "tələb edirəm", "tələb edirik", "dərhal", "təcili", "həll edin", "həll olunsun",
            "düzəldin", "araşdırın", "araşdırılmasını", "tədbir görün", "xahiş edirəm həll",
            "bərpa edin", "ləğv edin", "rəhbərliyə", "rəhbərə", "müdirə",
        ),
        "severity.fraud": (
            "fırıldaq", "dələduz", "icazəsiz", "icazəm olmadan", "xəbərim olmadan", "oğurla",
            "oğurlan", "sındırıl", "hack", "mən etməmişəm", "etməmişəm", "tanımadığım", "saxta",
            "mənim xəbərim",
        ),
        "severity.safety": (
            "yanğın", "yandı", "tüstü", "elektrik vur", "yaralan", "zəhərlən", "partla",
            "qığılcım", "xəsarət", "yandır", "yanıq",
        ),
        "vulnerability.third_party": (
            "anam", "atam", "nənəm", "babam", "həyat yoldaşım", "yoldaşım", "oğlum", "qızım",
            "qardaşım", "bacım", "adından", "anamın", "atamın", "nənəmin", "babamın", "yaşlı",
            "xalam", "bibim", "əmim", "dayım", "etibarnamə",
        ),
        "vulnerability.illness": (
            "xəstə", "xəstəxana", "əlil", "xərçəng", "əməliyyat", "müalicə", "yataq", "həkim",
            "kor", "eşitmə", "insult",
        ),
        "vulnerability.distress": (
            "çarəsiz", "stress", "əsəblər", "yuxum", "ağlayır", "ağladım", "depressiya",
            "dözə bilmirəm", "gücüm", "qorxuram", "çıxılmaz", "yalvarıram",
        ),
        "vulnerability.financial_hardship": (
            "işimi itirdim", "işsiz", "pulum yox", "pulum qalmayıb", "ödəyə bilmirəm", "dolanmaq",
        ),
        "vulnerability.bereavement": (
            "vəfat", "dünyasını dəyiş", "rəhmətə", "öldü", "dəfn",
        ),
        "regulatory.ombudsman": (
            "mərkəzi bank", "ombudsman", "müvəkkil", "istehlakçı", "tənzimləyici", "nazirliy",
            "aidiyyəti orqan", "prokuror", "dta",
        ),
        "regulatory.legal_action": (
            "vəkil", "məhkəmə", "iddia", "hüquqi", "qanuni tədbir",
        ),
        "regulatory.data_protection": (
            "şəxsi məlumat", "fərdi məlumat", "məxfilik", "məlumatlarım", "sızdır", "üçüncü şəxs",
            "kredit tarixç",
        ),
        "request.question": (
            "necə", "mümkündür", "mümkündürmü", "olarmı", "nə vaxt", "harada", "hansı",
            "bilmək istəyirəm", "məlumat almaq", "sualım", "sual", "soruşmaq", "zəhmət olmasa",
            "xahiş edirəm", "öyrənmək",
        ),
        "request.hypothetical": (
            "əgər", "olarsa", "olsa", "halında", "halda", "fərz edək", "təsəvvür edin",
            "nə etməliyəm", "nə olar", "nə baş verər", "tutaq ki", "deyək ki",
        ),
        "gratitude.thanks": (
            "təşəkkür", "sağ olun", "minnətdar", "çox sağ ol", "hörmətlə",
        ),
        "notice.auto_reply": (
            "avtomatik cavab", "ofisdə deyiləm", "məzuniyyət", "iş yerində deyiləm",
            "qayıdandan sonra", "qayıtdıqdan sonra", "avtomatik", "baxılmır", "avtomatik olaraq",
        ),
        "notice.delivery_status": (
            "çatdırıla bilmədi", "ünvan tapılmadı", "mesaj çatdırılmadı", "poçt qutusu dolu",
            "domen", "çatdırılmadı, çünki", "çatdırılma uğursuz",
        ),
        "marketing.promotion": (
            "endirim", "kampaniya", "aksiya", "abunə", "qazanın", "hədiyyə", "bonus",
            "xüsusi təklif", "pulsuz", "ətraflı", "qrant", "bəli yazın", "qara cümə",
            "yerlər məhduddur",
        ),
        "failure.unreachable": (
            "mümkün deyil", "xətt həmişə məşğul", "əlaqə saxlamaq olmur", "zəng çatmır",
            "qoşulmaq mümkün",
        ),
        "request.action": (
            "göndərin", "yeniləyin", "bağlayın", "əvəz edin", "əlavə edin", "dəyişin", "keçirin",
            "təsdiqləyin", "istəyirəm", "sifariş etmək istəyirəm", "keçmək istəyirəm", "buraxın",
            "göndərməyinizi", "göndərə bilərsiniz",
        ),
        "info.attachment": (
            "əlavə edirəm", "əlavə olunub", "əlavədə", "qoşma", "xatırlatma", "məlumat üçün",
        ),
        "info.personal_update": (
            "köçürəm", "köçəcəyəm", "yeni ünvan", "səfər", "səfərə", "e-poçt ünvanımı dəyiş",
        ),
        "dissatisfaction.advises_against": (
            "almayın", "tövsiyə etmirəm", "tövsiyə etməzdim", "uzaq durun", "bir daha heç vaxt",
            "dəyməz",
        ),
        "cancellation": (
            "ləğv",
        ),
        "failure.wrong_item": (
            "əvəzinə", "səhv məhsul",
        ),
        "failure.broken_promise": (
            "söz verdiniz", "vəd etdiniz", "razılaşdırılmış", "dedilər ki", "demişdiniz",
        ),
    },
    "tr": {
        "satisfaction": (
            "memnun", "razı", "mutlu", "hoşnut", "tatmin",
        ),
        "arrival": (
            "gel", "ulaş", "teslim", "yatır", "geç", "aktarıl", "alama", "aldım", "eline", "elime",
            "tanımlan",
        ),
        "working": (
            "çalış", "açıl", "bağlan", "işle", "yüklen", "uy",
        ),
        "response": (
            "cevap", "yanıt", "dönüş", "geri dön", "aran", "ilgilen",
        ),
        "resolution": (
            "çözül", "çöz", "düzel", "gideril", "hallet", "halled",
        ),
        "refunded": (
            "iade edil", "iade yapıl", "geri öden", "iadesi yapıl",
        ),
        "praise": (
            "harika", "mükemmel", "süper", "muhteşem", "bravo", "tebrik", "helal", "çok iyi",
            "eline sağlık", "ellerinize sağlık", "aferin", "efsane", "şahane",
        ),
        "dissatisfaction.explicit": (
            "şikayet", "memnuniyetsiz", "kabul edilemez", "hayal kırıklığı", "rezalet", "berbat",
            "bıktım", "bıktık", "yeter", "saygısız", "kaba", "haksız", "mağdur", "aldatıl",
            "yalan", "itiraz", "yanlış", "hata", "skandal", "utanç", "kötü", "sinir", "sorumsuz",
            "ilgisiz", "felaket", "maalesef", "rezil", "dolandır", "bu nasıl hizmet",
            "bu ne biçim", "görmezden gel", "yüzüme kapat", "yazıklar olsun", "yazık", "rezillik",
            "haber vermeden", "haber verilmeden", "açıklamasız", "sebepsiz", "onayım olmadan",
            "haklarım", "habersiz",
            # stating the complaint outright, as a request ("I want to complain")
            "şikayet etmek istiyorum", "şikayette bulunmak istiyorum", "şikayet ediyorum",
            "resmi şikayet",
        ),
        "dissatisfaction.polite": (
            "şaşırdım", "şaşırtıcı", "beklemezdim", "beklerdim", "endişe", "üzülerek", "üzüldüm",
            "açıklama bekliyorum", "dikkatinize", "biraz hayal", "açıklar mısınız", "açıklamanızı",
            "neden kapatıl", "hiçbir gerekçe", "=neden",
        ),
        "info.not_yet_used": (
            "henüz denemedim", "henüz kullanmadım", "henüz açmadım", "henüz tatmadım",
            "daha denemedim", "daha kullanmadım", "henüz denemedik", "henüz kullanmadık",
        ),
        "failure.delay": (
            "hala", "hâlâ", "halen", "gecik", "hafta", "aydır", "gündür", "bekliyorum", "bekledim",
            "bekletil", "uzun süre", "zamanında", "ne zaman", "süre", "daha ne kadar",
            "ne zamana kadar",
        ),
        "failure.charged_wrongly": (
            "iki kez", "iki defa", "fazla çekil", "fazladan", "kesildi", "kesinti", "çekildi",
            "tahsil", "yansıtıl", "ücret alın",
        ),
        "failure.broken": (
            "bozuk", "bozul", "hasarlı", "hasar", "kırık", "kırıl", "arızalı", "arıza", "defolu",
            "çürük", "bayat", "son kullanma", "ezik", "yırtık", "sızdır",
        ),
        "failure.lost": (
            "kayboldu", "kayıp", "bulunamadı", "ortadan kalk", "kaybol",
        ),
        "failure.error": (
            "bloke", "bloka", "donduruldu", "hata veriyor", "reddedil", "kapatıl", "başarısız",
            "olmuyor", "olmadı", "askıya", "kestiniz", "kesildi", "kesti", "kapattınız", "sorun",
        ),
        "failure.repeated_contact": (
            "tekrar", "yine", "defalarca", "kaç kez", "birkaç kez", "üçüncü kez", "ikinci kez",
            "her seferinde", "kaç defa", "onlarca",
        ),
        "demand.refund": (
            "paramı geri", "iade", "tazminat", "geri ödeme", "paramı iade", "ücret iadesi",
        ),
        "demand.fix": (
            "talep ediyorum", "talep ederim", "derhal", "acilen", "hemen", "çözün", "çözülmesini",
            "düzeltin", "inceleyin", "incelenmesini", "gereğinin yapılmasını", "rica ediyorum",
            "yöneticiye", "müdüre", "üst birime",
        ),
        "severity.fraud": (
            "dolandırıcı", "dolandırıl", "sahte", "izinsiz", "yetkisiz", "bilgim dışında",
            "haberim olmadan", "çalındı", "çalın", "hacklen", "kopyalan", "ben yapmadım",
            "yapmadığım", "tanımadığım", "onayım olmadan",
        ),
        "severity.safety": (
            "yangın", "alev", "duman", "yandı", "elektrik çarp", "yaralan", "zehirlen", "patla",
            "kıvılcım", "yaktı", "yanık",
        ),
        "vulnerability.third_party": (
            "annem", "babam", "anneannem", "babaannem", "dedem", "eşim", "oğlum", "kızım",
            "kardeşim", "adına", "annemin", "babamın", "yaşlı", "teyzem", "vekaletname",
        ),
        "vulnerability.illness": (
            "hasta", "hastane", "engelli", "kanser", "ameliyat", "tedavi", "yatalak", "alzheimer",
            "felç", "görme engelli",
        ),
        "vulnerability.distress": (
            "çaresiz", "stres", "bunaldım", "uyuyamıyorum", "ağlıyor", "ağladım", "depresyon",
            "dayanamıyorum", "korkuyorum", "yalvarıyorum", "perişan",
        ),
        "vulnerability.financial_hardship": (
            "işimi kaybettim", "işsiz", "param yok", "ödeyemiyorum", "geçinemiyorum", "icra",
        ),
        "vulnerability.bereavement": (
            "vefat", "öldü", "hayatını kaybet", "cenaze", "rahmetli",
        ),
        "regulatory.ombudsman": (
            "bddk", "tüketici hakem", "hakem heyeti", "ombudsman", "kamu denetçiliği", "cimer",
            "tüketici hakları", "bakanlığa", "şikayetvar", "merkez bankası", "savcılığa",
        ),
        "regulatory.legal_action": (
            "avukat", "mahkeme", "dava", "hukuki", "yasal yol", "noter",
        ),
        "regulatory.data_protection": (
            "kişisel veri", "kvkk", "gizlilik", "verilerim", "sızdırıl", "üçüncü kişi",
            "bilgilerim", "findeks",
        ),
        "request.question": (
            "nasıl", "mümkün mü", "ne zaman", "nerede", "hangi", "öğrenmek istiyorum",
            "bilgi almak", "sorum", "soru", "sormak", "rica", "lütfen",
        ),
        "request.hypothetical": (
            "eğer", "olursa", "durumunda", "halinde", "diyelim", "varsayalım", "ne yapmalıyım",
            "ne olur",
        ),
        "gratitude.thanks": (
            "teşekkür", "sağ olun", "sağolun", "minnettar", "saygılarımla",
        ),
        "notice.auto_reply": (
            "otomatik yanıt", "otomatik cevap", "ofis dışında", "ofiste değilim", "izindeyim",
            "yıllık izin", "döndüğümde", "dönüşümde", "takip edilmemektedir", "otomatik olarak",
        ),
        "notice.delivery_status": (
            "teslim edilemedi", "iletilemedi", "adres bulunamadı", "posta kutusu dolu", "alan adı",
            "teslimat başarısız",
        ),
        "marketing.promotion": (
            "indirim", "kampanya", "fırsat", "abone", "kazanın", "hediye", "bonus", "özel teklif",
            "ücretsiz", "hibe", "detaylar için", "fırsatları", "efsane cuma", "kontenjan",
        ),
        "failure.unreachable": (
            "ulaşmak imkansız", "imkansız", "hat hep meşgul", "ulaşamıyorum", "bağlanamıyorum",
            "ulaşılamıyor",
        ),
        "request.action": (
            "gönderin", "güncelleyin", "kapatın", "değiştirin", "ekleyin", "aktarın", "teyit eder",
            "istiyorum", "sipariş etmek istiyorum", "geçmek istiyorum", "basar mısınız",
            "ayarlayabilir", "gönderebilir misiniz", "göndermenizi",
        ),
        "info.attachment": (
            "ekte", "ekliyorum", "ekte gönderiyorum", "ektedir", "hatırlatma", "bilginize",
        ),
        "info.personal_update": (
            "taşınıyorum", "yeni adres", "seyahat", "seyahate", "e-posta adresimi değiştir",
        ),
        "dissatisfaction.advises_against": (
            "almayın", "tavsiye etmem", "tavsiye etmiyorum", "uzak durun", "bir daha asla",
            "değmez",
        ),
        "cancellation": (
            "iptal",
        ),
        "failure.wrong_item": (
            "yerine", "yanlış ürün",
        ),
        "failure.broken_promise": (
            "söz verdiniz", "söz verilmişti", "anlaşılan", "denildi", "demiştiniz",
        ),
    },
    "ar": {
        "satisfaction": (
            "راض", "راضي", "سعيد", "مرتاح", "مقتنع", "مبسوط", "فرحان", "فرحت",
        ),
        "arrival": (
            "يصل", "وصل", "تصل", "استلم", "استلام", "اتسلم", "تسليم", "يتم تحويل", "ينزل", "نزل",
            "يوصل", "توصل",
        ),
        "working": (
            "يعمل", "تعمل", "يشتغل", "تشتغل", "شغال", "يفتح", "تفتح", "يستجيب", "تناسب", "مناسب",
            "يشحن", "يطابق", "مطابق",
        ),
        "response": (
            "رد", "يرد", "ترد", "الرد", "جواب", "تجاوب", "يتواصل", "اتصال", "يتصل",
        ),
        "resolution": (
            "=حل", "يحل", "تحل", "معالج", "اصلاح", "تصحيح", "حلها", "حلوها", "يتم حل",
        ),
        "refunded": (
            "استرجاع", "ارجاع", "يرجع", "ترجع", "استرداد المبلغ", "رجعوا",
        ),
        "praise": (
            "ممتاز", "رائع", "جميل", "عظيم", "مبدع", "احسنتم", "برافو", "شكرا جزيلا",
            "يعطيكم العافيه", "الله يعطيكم", "تسلم", "ما شاء الله", "احلى", "افضل",
            # dialect praise and good wishes (Gulf, Egyptian, Levantine)
            "روعه", "تحفه", "يجنن", "تجنن", "خرافي", "رهيب", "فخم", "كفو", "ابدع", "ابداع",
            "مذهل", "=حلو", "=حلوه", "جامد", "يستاهل", "تستاهل", "=تمام", "مبروك", "تهانينا",
            "نهنئ", "فخور", "بالتوفيق", "الله يوفق", "ربنا يوفق", "الله يحفظ", "ربنا يحفظ",
        ),
        "dissatisfaction.explicit": (
            "شكوى", "شكوي", "اشتكي", "اشتكى", "اشكو", "غير راض", "مستاء", "غير مقبول", "سيء",
            "سيئ", "سيئه", "زفت", "مهزله", "فضيحه", "تعبت", "زهقت", "قرفت", "=ظلم", "ظلمو",
            "ظلمت", "ظلمن", "ظالم", "احتجاج",
            "اعتراض", "خطا", "غلط", "اهمال", "استهتار", "مزري", "للاسف", "مؤسف", "حرام", "كارثه",
            "نصب", "تلاعب", "خيبه", "محبط", "غضب", "اي خدمه هذه", "اي خدمه هذي", "وش هالخدمه",
            "تتجاهلون", "تجاهل", "اغلقوا الخط", "قفلوا الخط", "الخط في وجهي", "عيب عليكم", "عيب",
            "الاسف", "مع الاسف", "=اسف", "فوضى", "استيا", "خاطي", "غير موافق", "بدون موافقتي",
            "دون موافقتي", "بدون اشعار", "دون اشعار", "بدون توضيح", "بدون سبب", "حقوقي", "=حقي",
            "زعلان", "استهزا", "وعود", "اسوا", "خدع", "ضعيف", "هالتعامل", "ما احد مهتم",
            "بدون اي توضيح", "مو معقول", "ما يصير",
            # stating the complaint outright, as a request ("I want to complain")
            "اريد تقديم شكوى", "اود تقديم شكوى", "ابي اشتكي", "ابغى اشتكي", "شكوى رسميه",
        ),
        "dissatisfaction.polite": (
            "تفاجات", "استغربت", "مستغرب", "كنت اتوقع", "كنت انتظر", "يؤسفني", "قلق",
            "ارجو التوضيح", "اود لفت", "لفت انتباهكم", "وضحوا لي لماذا", "لماذا تم", "ليش تم",
            "ليش", "لماذا", "دون ذكر سبب", "لم يذكر لي اي سبب",
        ),
        "info.not_yet_used": (
            "لسه ما جربت", "لسه ماجربت", "ما جربته للحين", "ما جربتها للحين", "لم اجربه بعد",
            "لم اجربها بعد", "لم استخدمه بعد", "لم استخدمها بعد", "لسه ما استخدمت",
        ),
        "failure.delay": (
            "حتى الان", "الى الان", "لحد الان", "لحد الحين", "للحين", "لسه", "ما زال", "مازال",
            "لا يزال", "تاخير", "تاخر", "متاخر", "اسبوع", "اسابيع", "بانتظار", "الى متى", "لمتى",
            "كم لازم انتظر", "تاجل", "تاجيل", "اجلوا", "يتاجل",
        ),
        "failure.charged_wrongly": (
            "خصم", "مرتين", "خصموا", "سحب", "اقتطاع", "مبلغ زائد", "زياده", "تم خصم", "انخصم",
            "اعلى من المعتاد", "اعلى بكثير", "الضعف", "ضعف المبلغ",
        ),
        "failure.broken": (
            "تالف", "معطل", "عطل", "خربان", "خراب", "مكسور", "منتهي الصلاحيه", "فاسد", "متضرر",
            "مضروب", "عيب", "وسخ", "مخدوش", "خدش", "تبلل", "مبلل", "بارده", "بارد",
        ),
        "failure.lost": (
            "ضاع", "مفقود", "ضائع", "اختفى", "فقدت", "يضيع", "ضيع", "ضيعت", "ضيعوا", "ضاعت",
            "ناقص", "ناقصه", "نواقص",
        ),
        "failure.error": (
            "محظور", "مجمد", "تجميد", "ايقاف", "رفض", "مرفوض", "فشل", "خلل", "مشكله", "مشاكل",
            "=قطع", "قطعتوا", "قطعوا", "انقطع", "فصل الخدمه", "اوقف", "وقفتوا",
        ),
        "failure.repeated_contact": (
            "مره اخرى", "مرارا", "عده مرات", "كل مره", "للمره الثالثه", "للمره الثانيه",
            "اكثر من مره", "تكرارا", "من جديد", "نفس المشكله", "نفس الصوت", "نفس العطل",
        ),
        "demand.refund": (
            "استرداد", "استرجاع", "تعويض", "ارجاع المبلغ", "اعاده المبلغ", "فلوسي",
        ),
        "demand.fix": (
            "اطالب", "نطالب", "فورا", "عاجل", "سرعه", "حل المشكله", "ارجو حل", "التحقيق",
            "اتخاذ الاجراء", "معالجه", "المدير", "المسؤول", "رفع الموضوع",
        ),
        "severity.fraud": (
            "احتيال", "نصب", "غير مصرح", "بدون علمي", "دون علمي", "بدون اذن", "سرقه", "سرق",
            "اختراق", "مخترق", "تصيد", "مزور", "لم اقم", "ما سويت", "مزيف", "انخدع", "نصاب",
        ),
        "severity.safety": (
            "حريق", "دخان", "احترق", "صعق", "اصابه", "حروق", "تسمم", "انفجار", "انفجر", "شرار",
            "حرق", "انحرق", "اصيب", "جرح",
        ),
        "vulnerability.third_party": (
            "والدتي", "والدي", "=امي", "=زوجي", "=زوجتي", "=ابني", "=ابنتي", "نيابه عن", "بالنيابه",
            "كبير السن", "كبيره في السن", "مسن", "مسنه", "وكاله", "=جدتي", "=جدي",
        ),
        "vulnerability.illness": (
            "مريض", "مريضه", "مستشفى", "المستشفى", "اعاقه", "معاق", "سرطان", "عمليه جراحيه",
            "علاج", "غسيل كلى", "زهايمر", "كفيف",
        ),
        "vulnerability.distress": (
            "يائس", "منهار", "قلق", "خائف", "ابكي", "اكتئاب", "ضغط نفسي", "لا استطيع النوم",
            "ارجوكم", "اتوسل", "حالتي",
        ),
        "vulnerability.financial_hardship": (
            "فقدت وظيفتي", "عاطل", "ما عندي فلوس", "لا املك", "لا استطيع الدفع",
        ),
        "vulnerability.bereavement": (
            "وفاه", "المرحوم", "المرحومه", "عزاء", "=توفي", "=توفيت", "=توفى", "توفيت والدتي",
            "وفاته",
        ),
        "regulatory.ombudsman": (
            "البنك المركزي", "=ساما", "مؤسسه النقد", "الجهات الرقابيه", "الجهه الرقابيه",
            "حمايه المستهلك", "هيئه الاتصالات", "هيئه السوق الماليه", "هيئه الرقابه",
            "هيئه تنظيم", "وزاره التجاره", "ديوان المظالم", "المصرف المركزي",
        ),
        "regulatory.legal_action": (
            "محامي", "محكمه", "قضيه", "دعوى", "قانوني", "الشرطه", "النيابه",
        ),
        "regulatory.data_protection": (
            "بيانات شخصيه", "بياناتي", "خصوصيه", "تسريب", "معلوماتي", "طرف ثالث", "سمه",
        ),
        "request.question": (
            "كيف", "=هل", "متى", "=اين", "=وين", "ماهي", "ما هي", "ممكن", "استفسار", "سؤال",
            "اود معرفه", "ابغى اعرف", "ابي اعرف", "لو سمحت", "من فضلك", "ارجو",
        ),
        "request.hypothetical": (
            "اذا", "في حال", "=لو", "في حاله", "ماذا لو", "ماذا افعل", "لنفترض", "افترض",
        ),
        "gratitude.thanks": (
            "شكرا", "مشكور", "اشكر", "ممتن", "جزاكم الله", "تحياتي",
        ),
        "notice.auto_reply": (
            "رد الي", "رد تلقائي", "خارج المكتب", "في اجازه", "اجازه", "عند عودتي", "سارد عليكم",
            "غير مراقب", "تلقائيا",
        ),
        "notice.delivery_status": (
            "تعذر تسليم", "لم يتم تسليم الرساله", "فشل تسليم", "صندوق البريد ممتلئ", "النطاق",
            "فشل التسليم", "لم يتم تسليم رسالتك",
        ),
        "marketing.promotion": (
            "عروض", "تخفيضات", "خصومات", "اشترك", "اربح", "هديه", "مجانا", "لفتره محدوده", "منحه",
            "لمعرفه المزيد", "الجمعه البيضاء", "المقاعد محدوده", "عرض خاص",
        ),
        "failure.unreachable": (
            "مستحيل توصل", "مستحيل", "الخط دائما مشغول", "مشغول", "ما احد يرد", "لا يمكن التواصل",
        ),
        "request.action": (
            "ارجو ارسال", "ارسلوا", "حدثوا", "اغلقوا", "حولوا", "ارجو اصدار", "ارجو تاكيد", "ابغى",
            "ابي", "اريد", "ارغب", "ممكن تحجزون", "فعلوا", "افعل",
        ),
        "info.attachment": (
            "مرفق", "ارفقت", "ارفقنا", "تذكير",
        ),
        "info.personal_update": (
            "بنتقل", "سانتقل", "العنوان الجديد", "بكون في", "مسافر", "سافر",
        ),
        "dissatisfaction.advises_against": (
            "لا انصح", "ما انصح", "لا تشتروا", "لا تشتري", "لا تتعاملوا", "ابتعدوا عن",
        ),
        "cancellation": (
            "الغاء", "=الغي", "الغيت",
        ),
        "failure.wrong_item": (
            "=بدل", "بدلا من", "بدل ما", "غلط في الطلب",
        ),
        "failure.broken_promise": (
            "وعدتوني", "وعدوني", "المتفق عليه", "المتفق عليها", "قالوا", "قلتوا",
        ),
        # stopped replying or working, nobody bothered to answer
        "failure.no_response": (
            "توقف عن الرد", "توقفوا عن الرد", "لم يكلف", "ما كلف نفسه", "ما حد رد", "ماحد رد",
            "محد رد",
        ),
        "failure.not_working": (
            "توقف عن العمل", "توقفت الخدمه", "ما عاد يشتغل", "ماعاد يشتغل", "يعلق",
        ),
    },
    "fa": {
        "satisfaction": (
            "راضی", "خوشحال", "خشنود", "قانع", "رضایت",
        ),
        "arrival": (
            "رسید", "رسیده", "دستم", "دریافت", "تحویل", "واریز", "اومد", "امد", "اومده", "امده",
            "برگشت",
        ),
        "working": (
            "کار میکن", "کار کن", "کار نمیکن", "باز میش", "وصل", "عمل", "اندازه",
        ),
        "response": (
            "جواب", "پاسخ", "پیگیری", "تماس", "زنگ",
        ),
        "resolution": (
            "حل", "درست", "برطرف", "رفع", "اصلاح",
        ),
        "refunded": (
            "برگشت داده", "برگردوند", "برگرداند", "عودت", "استرداد شد", "برگردان", "پس بده",
            "پس نداد",
        ),
        "praise": (
            "عالی", "فوق العاده", "خیلی خوب", "بی نظیر", "دمتون گرم", "دست مریزاد", "خوب",
            "خوشمزه", "بینظیر", "محشر", "ارزش", "پیشنهاد میکنم", "توصیه میکنم", "حتما بخرید",
            "حتما بخرین", "عاشقش", "خدا خیر", "خوشم اومد", "خوشم امد", "خوشم آمد", "لذت بردم",
            "لذت بردیم", "حرف نداره", "حرف نداشت",
        ),
        "quality": (
            # what a good product is: fresh, tasty, of quality, clean, intact, complete, good
            # value, on time ("تازه نبود", "کامل نرسید" are then negated praise)
            "تازه", "خوش طعم", "خوشطعم", "خوش عطر", "خوشعطر", "با کیفیت", "باکیفیت", "مرغوب",
            "لذیذ", "ترد", "داغ", "تمیز", "=سالم", "=سالمه", "سالم رسید", "کامل بود", "کامل رسید",
            "=کامله", "به صرفه", "بصرفه", "ارزان", "ارزون",
            "مناسب", "به موقع", "سریع", "=ارزه", "=میارزه", "ارزید", "دوست داشت", "بهتر",
            # goods other than food: as described, genuine, durable, comfortable, good-looking
            "مطابق", "=اصل", "=اصله", "اورجینال", "بادوام", "با دوام", "محکم", "خوش دست",
            "خوشدست", "راحت", "شیک", "قشنگ", "خوشگل", "زیبا", "خوش رنگ", "خوشرنگ", "خوش بو",
            "خوشبو", "درجه یک", "قابل قبول", "کیفیت بالا", "کیفیت خوب", "هنوز خوب", "هنوزم خوب",
            "هنوز عالی",
            # a customer who buys again
            "دوباره میخر", "دوباره خرید", "دوباره سفارش", "باز هم میخر", "بازم میخر",
            "بازم سفارش", "همیشه میخر", "همیشه خرید", "همیشه سفارش", "بارها خرید",
            "چند بار خرید", "چندبار خرید", "هر بار میخر", "هر هفته میخر", "هر ماه میخر",
            # colloquially one "takes" what one buys (گرفتن)
            "دوباره میگیر", "دوباره گرفت", "بازم میگیر", "همیشه میگیر", "هر بار میگیر",
            "چند بار گرفت", "چندبار گرفت", "بارها گرفت", "همیشه همینو", "مشتری شدم",
            "مشتریش شدم", "مشتری دائم",
        ),
        "dissatisfaction.explicit": (
            "شکایت", "ناراضی", "نارضایتی", "اعتراض", "افتضاح", "بدترین", "غیرقابل قبول",
            "غیر قابل قبول", "مسخره", "خسته شدم", "کلافه", "ظلم", "بی احترامی", "بی ادب", "توهین",
            "دروغ", "فریب", "اشتباه", "خطا", "بی کیفیت", "بیکیفیت", "نامرغوب", "متاسف", "متأسف",
            "افسوس", "حیف پول", "حیف شد", "پشیمان", "=گند", "گند زد", "اشغال", "آشغال", "زشت",
            "ناامید", "این چه وضع",
            "این چه خدمات", "نادیده می گیرید", "نادیده", "بوی بد", "بو میده", "بو می داد",
            "بوی ماندگی", "=بد", "=بدی", "=بدیه", "خیلی بده", "بدم اومد", "بدم امد", "بدمزه",
            "حالم بد", "ضعیف", "رقیق", "طعم مصنوعی", "مزه مصنوعی",
            "رنگ مصنوعی", "بوی مصنوعی", "بیات",
            "مونده", "جالب نبود", "جالب نیست", "خوشم نیومد", "خوشم نیامد", "دوست ندارم",
            "دوست نداشتم", "بی تاثیر", "کلاهبردار", "کم فروشی", "قطع کردند", "رویم قطع", "=شرم",
            "شرم اور", "شرم آور",
            "آشفتگی", "اشفتگی", "بی نظمی", "بدون اطلاع", "بدون توضیح", "بدون دلیل", "بدون هماهنگی",
            "حق من", "حقم",
            # what buyers of goods say: poor quality, tasteless, fake, short weight, regret
            "کیفیت پایین", "کیفیت خیلی پایین", "کیفیت بسیار پایین", "بی مزه", "بیمزه",
            "بی طعم", "بی خاصیت", "بی ارزش", "مزخرف", "تقلبی", "تقلب", "غیر اصل", "فیک",
            "پشیمون", "ناراحت", "اعصابم", "گول", "هدر رفت", "مقدارش کم", "حجمش کم", "وزنش کم",
            "مقدار کم",
            # dislike said with a negated verb, and goods not fit for use or gone worse
            "نپسندیدم", "به دلم ننشست", "خوش نیامد", "خوش نیومد", "به درد نمیخور",
            "بدرد نمیخور", "بی فایده", "بیفایده", "افت کیفیت", "افت کرده", "گران فروشی",
            "گرانفروشی", "گرون فروشی", "ذوقم زد", "ذوقم خورد", "دلمو زد", "دلم را زد",
            "دوس نداشتم", "دوس ندارم", "حال نکردم", "چنگی به دل نمیزن", "بیش از حد",
            "براورده نکرد", "برآورده نکرد",
            # stating the complaint outright, as a request ("I want to complain")
            "میخواهم شکایت کنم", "میخوام شکایت کنم", "قصد شکایت", "شکایت رسمی",
        ),
        "dissatisfaction.polite": (
            "تعجب کردم", "تعجب", "انتظار داشتم", "انتظار نداشتم", "نگران", "با کمال تاسف",
            "متاسفانه", "لطفا توضیح", "به اطلاع برسانم", "توضیح دهید چرا", "چرا حسابم", "=چرا",
            "هیچ دلیلی",
            # expectations let down ("I expected more of this brand")
            "انتظار بیشتری", "توقع بیشتری", "توقع نداشتم", "بعید بود",
        ),
        "info.not_yet_used": (
            "هنوز نپخت", "هنوز استفاده نکرد", "هنوز امتحان نکرد", "هنوز مصرف نکرد",
            "هنوز باز نکرد", "هنوز نخورد", "هنوز تست نکرد", "هنوز نچشید", "هنوز نپوشید",
        ),
        "failure.delay": (
            "هنوز", "تاخیر", "تأخیر", "=دیر", "هفته", "=ماه", "روز است", "منتظر", "معطل",
            "چند روز", "تا کی", "چقدر دیگر", "چقدر باید صبر", "ماه است", "ماهه", "دیرتر",
        ),
        "failure.charged_wrongly": (
            "کسر شد", "کسر شده", "دو بار", "=دوبار", "برداشت", "کم شد", "کم شده", "هزینه اضافی",
        ),
        "failure.broken": (
            "خراب", "شکسته", "معیوب", "آسیب", "اسیب", "ترکیده", "پاره", "فاسد", "تاریخ گذشته",
            "کپک", "له شده", "ایراد", "مشکل", "ترشیده", "گندیده", "نم کشید", "کرم زده", "کرمو",
            "شپشک", "حشره", "سوسک", "پوک", "منقضی", "نزدیک انقضا", "انقضاش نزدیک",
        ),
        "failure.lost": (
            "گم شد", "گم شده", "مفقود", "ناپدید", "پیدا نمیشه",
        ),
        "failure.error": (
            "مسدود", "بلاک", "=قطع", "رد شد", "خطا میده", "ارور", "ناموفق", "قطع شد", "قطع است",
            "قطع کردید", "قطع کردند", "=قطع شده", "وصل نمیشه",
        ),
        "failure.repeated_contact": (
            "دوباره", "بارها", "چند بار", "چندبار", "هر بار", "بار سوم", "بار دوم", "مجددا",
        ),
        "demand.refund": (
            "بازپرداخت", "برگرداندن پول", "پولم", "پول من", "خسارت", "استرداد", "عودت وجه",
        ),
        "demand.fix": (
            "درخواست دارم", "تقاضا دارم", "فورا", "فوری", "سریعا", "رسیدگی", "پیگیری کنید",
            "حل کنید", "بررسی کنید", "لطفا اقدام", "به مدیر", "مسئول", "ارجاع",
        ),
        "severity.fraud": (
            "کلاهبرداری", "کلاه برداری", "غیرمجاز", "غیر مجاز", "بدون اطلاع", "بدون اجازه", "سرقت",
            "دزدی", "هک", "فیشینگ", "جعلی", "من انجام ندادم",
        ),
        "severity.safety": (
            "آتش", "اتش", "دود", "سوخت", "برق گرفت", "مصدوم", "مسمومیت", "مسموم", "انفجار",
            "منفجر", "سوزاند", "جرقه", "سوختگی",
        ),
        "vulnerability.third_party": (
            "مادرم", "پدرم", "مادربزرگ", "پدربزرگ", "همسرم", "شوهرم", "خانمم", "پسرم", "دخترم",
            "برادرم", "خواهرم", "از طرف", "سالمند", "=مسن", "وکالت",
        ),
        "vulnerability.illness": (
            "بیمار", "بیمارستان", "معلول", "سرطان", "عمل جراحی", "شیمی درمانی", "دیالیز",
            "آلزایمر", "الزایمر", "نابینا", "بستری",
        ),
        "vulnerability.distress": (
            "ناامید", "درمانده", "استرس", "افسرده", "گریه", "خوابم نمیبره", "نمیتونم بخوابم",
            "خواهش میکنم", "التماس", "داغون",
        ),
        "vulnerability.financial_hardship": (
            "بیکار شدم", "بیکار", "پول ندارم", "نمیتونم پرداخت",
        ),
        "vulnerability.bereavement": (
            "فوت", "درگذشت", "مرحوم", "ختم", "فوتی",
        ),
        "regulatory.ombudsman": (
            "بانک مرکزی", "سازمان حمایت", "تعزیرات", "بازرسی", "نهاد نظارتی", "اتحادیه", "وزارت",
            "۱۲۴", "124",
        ),
        "regulatory.legal_action": (
            "وکیل", "دادگاه", "شکایت قضایی", "قانونی", "پلیس فتا", "دادسرا",
        ),
        "regulatory.data_protection": (
            "اطلاعات شخصی", "اطلاعاتم", "حریم خصوصی", "افشا", "نشت", "شخص ثالث",
        ),
        "request.question": (
            "چطور", "چگونه", "آیا", "ایا", "=کی", "کجا", "چه زمانی", "ممکنه", "امکان دارد",
            "امکانش هست", "سوال", "میخواستم بدونم", "لطفا", "راهنمایی",
        ),
        "request.hypothetical": (
            "اگر", "اگه", "در صورتی که", "در صورت", "چه باید", "فرض کنید",
        ),
        "gratitude.thanks": (
            "ممنون", "متشکر", "سپاس", "تشکر", "مرسی", "قدردان", "با احترام",
        ),
        "notice.auto_reply": (
            "پاسخ خودکار", "خارج از دفتر", "مرخصی", "پس از بازگشت", "در دسترس نیستم", "خودکار",
            "پایش نمی", "به طور خودکار",
        ),
        "notice.delivery_status": (
            "تحویل داده نشد", "ارسال نشد", "صندوق پر", "نشانی یافت نشد", "دامنه",
            "تحویل داده نشد زیرا",
        ),
        "marketing.promotion": (
            "تخفیف ویژه", "درصد تخفیف", "کد تخفیف", "تخفیف های", "جشنواره", "حراج", "عضو شوید",
            "=برنده", "هدیه رایگان", "کارت هدیه", "هدیه بگیرید", "رایگان", "پیشنهاد ویژه",
            "کمک هزینه", "اطلاعات بیشتر", "جمعه سیاه", "ظرفیت محدود",
        ),
        "failure.unreachable": (
            "غیرممکن", "غیر ممکن", "همیشه اشغال", "جواب نمیدهند", "امکان تماس",
        ),
        "request.action": (
            "بفرستید", "ارسال کنید", "تغییر دهید", "ببندید", "منتقل کنید", "اضافه کنید",
            "صادر کنید", "تایید کنید", "تأیید کنید", "می خواهم", "میخواهم", "میخوام", "سفارش بدهم",
            "تنظیم کنید",
        ),
        "info.attachment": (
            "پیوست", "ضمیمه", "یادآوری", "جهت اطلاع",
        ),
        "info.personal_update": (
            "اسباب کشی", "نشانی جدید", "آدرس جدید", "سفر", "ایمیلم را",
        ),
        "dissatisfaction.advises_against": (
            "نخرید", "نخرین", "نخرید.", "پیشنهاد نمی", "پیشنهاد نمیشه", "توصیه نمی",
            "ارزش خرید ندار", "پولتون رو", "ریختم دور", "دور ریختم", "دور انداختم", "دیگه نمیخرم",
            "دیگه نمیگیرم", "دیگر نمی خرم", "دوباره نمیخر", "دیگه سفارش نمید", "=نگیرید",
            "=نگیرین", "دیگر نخواهم خرید", "توصیه نمیکنم", "استفاده نکنید", "مصرف نکنید",
        ),
        "cancellation": (
            "لغو", "کنسل",
        ),
        "failure.wrong_item": (
            "به جای", "اشتباه فرستادید", "کالای اشتباه", "با عکس فرق", "با عکسش فرق",
            "با توضیحات فرق", "شبیه عکس نبود", "مثل عکس نبود",
        ),
        "failure.broken_promise": (
            "قول دادید", "قول داده بودند", "توافق شده", "گفته بودند", "گفتید",
        ),
    },
    "ru": {
        "satisfaction": (
            "доволен", "довольн", "рад", "устраива", "удовлетвор",
        ),
        "arrival": (
            "пришл", "пришел", "пришёл", "поступ", "дошл", "дошел", "доставл", "получ", "зачисл",
            "вернул", "привез",
        ),
        "working": (
            "работа", "функционир", "открыва", "загружа", "подключа", "подход",
        ),
        "response": (
            "ответ", "отвеча", "перезвон", "связал", "реагир",
        ),
        "resolution": (
            "решен", "решил", "исправ", "устран",
        ),
        "refunded": (
            "вернули", "возвращ", "компенсир",
        ),
        "praise": (
            "отличн", "прекрасн", "замечательн", "супер", "молодц", "браво", "великолепн",
            "спасибо большое", "восхитительн", "класс",
        ),
        "dissatisfaction.explicit": (
            "жалоб", "недоволен", "недовольн", "неприемлем", "разочарован", "ужас", "безобраз",
            "возмут", "позор", "отвратител", "хамств", "хамск", "обман", "издева", "надоело",
            "достали", "бардак", "кошмар", "претензи", "ошибк", "неправильн", "безответствен",
            "некомпетент", "плох", "к сожалению", "халатн", "что это за сервис", "что за сервис",
            "игнорируете", "бросили трубку", "бросил трубку", "позорище", "без предупреждения",
            "без объяснения", "без объяснений", "без причины", "без моего согласия", "мои права",
            # stating the complaint outright, as a request ("I want to complain")
            "хочу пожаловаться", "хочу подать жалобу", "подаю жалобу", "официальную жалобу",
            "официальная жалоба",
        ),
        "dissatisfaction.polite": (
            "удивлен", "удивлён", "удивило", "ожидал", "ожидала", "обеспокоен", "сожалени",
            "прошу разъяснить", "обратить внимание", "хотелось бы понять", "объясните, почему",
            "объясните почему", "почему закрыли", "почему", "никакой причины",
        ),
        "info.not_yet_used": (
            "ещё не пробовал", "еще не пробовал", "пока не пробовал", "ещё не открывал",
            "еще не открывал", "пока не открывал", "ещё не пользовал", "еще не пользовал",
            "пока не пользовал",
        ),
        "failure.delay": (
            "до сих пор", "всё ещё", "все еще", "уже", "задерж", "опозд", "недел", "месяц", "дней",
            "жду", "ждём", "ждем", "ожида", "давно", "сколько ещё ждать", "сколько еще ждать",
            "сколько можно",
        ),
        "failure.charged_wrongly": (
            "списали", "списан", "дважды", "два раза", "лишн", "удержал", "сняли", "переплат",
        ),
        "failure.broken": (
            "сломан", "слома", "брак", "дефект", "поврежд", "разбит", "неисправ", "испорч",
            "просроч", "тухл", "порван", "протек",
        ),
        "failure.lost": (
            "потерял", "пропал", "потерян", "исчез", "утерян",
        ),
        "failure.error": (
            "заблокир", "заморож", "сбой", "ошибка", "отказ", "отклон", "закрыли", "не проход",
            "отключ", "обрубил", "проблем",
        ),
        "failure.repeated_contact": (
            "снова", "опять", "неоднократно", "несколько раз", "много раз", "третий раз",
            "второй раз", "каждый раз", "повторно",
        ),
        "demand.refund": (
            "верните", "вернуть деньги", "возврат", "компенсац", "возмещ",
        ),
        "demand.fix": (
            "требую", "немедленно", "срочно", "решите", "разберитесь", "примите меры",
            "прошу разобраться", "исправьте", "прошу вернуть", "руководител", "начальств",
        ),
        "severity.fraud": (
            "мошенни", "мошенн", "несанкционир", "без моего ведома", "без моего согласия",
            "украли", "кража", "взлом", "фишинг", "поддельн", "не совершал", "не совершала",
        ),
        "severity.safety": (
            "пожар", "дым", "загорел", "удар током", "травм", "ожог", "отравлен", "взрыв", "искр",
            "обжёг", "обжег", "обжгл",
        ),
        "vulnerability.third_party": (
            "моя мама", "мама", "моей мамы", "мой отец", "отец", "папа", "бабушк", "дедушк",
            "мой муж", "моя жена", "мой сын", "моя дочь", "брат", "сестр", "от имени", "пожил",
            "доверенност",
        ),
        "vulnerability.illness": (
            "больниц", "болен", "больна", "болезн", "инвалид", "рак", "онколог", "операци",
            "лечени", "деменци", "слеп",
        ),
        "vulnerability.distress": (
            "отчаян", "стресс", "плачу", "плачет", "депресс", "не могу спать", "нервы", "умоляю",
            "боюсь", "паник", "в отчаянии",
        ),
        "vulnerability.financial_hardship": (
            "потерял работу", "потеряла работу", "безработ", "нет денег", "не могу платить",
            "не на что жить",
        ),
        "vulnerability.bereavement": (
            "умер", "умерла", "скончал", "смерт", "похорон", "покойн",
        ),
        "regulatory.ombudsman": (
            "центробанк", "центральный банк", "цб", "банк россии", "омбудсмен", "роспотребнадзор",
            "финансовый уполномоченный", "прокуратур", "регулятор",
        ),
        "regulatory.legal_action": (
            "юрист", "адвокат", "суд", "иск", "полици", "заявление в",
        ),
        "regulatory.data_protection": (
            "персональн", "мои данные", "утечк", "конфиденциальн", "третьим лицам", "152-фз",
        ),
        "request.question": (
            "как", "можно ли", "когда", "где", "какой", "какие", "подскажите", "хотел бы узнать",
            "хотела бы узнать", "вопрос", "пожалуйста", "уточнить",
        ),
        "request.hypothetical": (
            "если", "в случае", "что будет", "что делать", "допустим", "предположим",
        ),
        "gratitude.thanks": (
            "спасибо", "благодар", "признател", "с уважением",
        ),
        "notice.auto_reply": (
            "автоответ", "автоматический ответ", "в отпуске", "не в офисе", "вне офиса",
            "по возвращении", "отвечу после", "не обслуживается", "автоматически",
        ),
        "notice.delivery_status": (
            "не доставлено", "не удалось доставить", "ящик переполнен", "адрес не найден", "домен",
            "сообщение не доставлено",
        ),
        "marketing.promotion": (
            "скидк", "акци", "распродаж", "подпишитесь", "выиграй", "подарок", "бесплатно",
            "специальное предложение", "рассылк", "грант", "узнать подробности", "подробнее",
            "чёрная пятница", "черная пятница", "количество мест",
        ),
        "failure.unreachable": (
            "невозможно дозвониться", "не дозвониться", "линия всегда занята",
            "невозможно связаться", "не могу дозвониться",
        ),
        "request.action": (
            "пришлите", "прошу заменить", "замените", "закройте", "переведите", "перевыпустите",
            "подтвердите", "хочу", "прошу", "назначить", "запишите", "вышлите",
        ),
        "info.attachment": (
            "во вложении", "прилагаю", "прикладываю", "напоминание", "для информации",
        ),
        "info.personal_update": (
            "переезжаю", "новый адрес", "командировк", "буду в", "сменил адрес",
        ),
        "dissatisfaction.advises_against": (
            "не советую", "не рекомендую", "не покупайте", "обходите стороной", "больше никогда",
            "не стоит своих",
        ),
        "cancellation": (
            "отмен",
        ),
        "failure.wrong_item": (
            "вместо", "не тот товар", "перепутали",
        ),
        "failure.broken_promise": (
            "обещали", "договорились", "согласованн", "сказали, что", "уверяли",
        ),
    },
}
# fmt: on

# Words that qualify praise after them in the same clause, so that it is no verdict on what
# the writer got: a hedge or a condition ("maybe others will like it", "if you add real
# saffron it would taste better"), the past ("it used to be fresh"), a comparison ("daha
# yaxşı": how it could be, or another brand). Persian marks comparison with its suffix
# ("خوش‌طعم‌تر"), which features.py reads from the word itself.
QUALIFIERS: dict[str, dict[str, tuple[str, ...]]] = {
    "hedged": {
        "en": _words("maybe perhaps might may if could would"),
        "ru": _words("может возможно если наверное вероятно"),
        "ar": _words("ربما لعل لو اذا إذا يمكن ممكن قد"),
        "fa": _words("شاید ممکن ممکنه احتمالا احتمالاً اگر اگه چنانچه"),
        "az": _words("bəlkə əgər ehtimal"),
        "tr": _words("belki eğer muhtemelen"),
    },
    "past": {
        "en": _words("previously formerly"),
        "ru": _words("раньше прежде"),
        "ar": _words("سابقا سابقاً السابق"),
        "fa": _words("قبلا قبلاً سابقا سابقاً قدیما قدیم"),
        "az": _words("əvvəllər"),
        "tr": _words("eskiden önceden önceleri"),
    },
    "compared": {
        "en": _words("more"),
        "ru": _words("более"),
        "az": _words("daha"),
        "tr": _words("daha"),
    },
}

# Negators per language: words that negate their neighbours. "after" languages (Persian,
# Azerbaijani, Turkish) put the negator after what it negates ("razı deyiləm", "راضی
# نیستم"); the others put it before ("not happy", "не доволен", "لم يصل").
NEGATORS: dict[str, tuple[str, ...]] = {
    "en": _words(
        "not no never nothing nobody none cannot without neither nor hardly unable failed "
        "fail lack yet"
    ),
    "ru": _words(
        "не нет ни никогда ничего никто без нельзя нигде никаких никакой никакого никакие"
    ),
    "ar": _words(
        "لا لم لن ليس ليست لست لسنا ما غير بدون مش مو ماني مب ولا ولم فلم فلا دون عدم ماعاد مافي"
    ),
    "fa": _words(
        "نه هیچ بدون غیر نیست نیستم نیستیم نیستند نبود نبوده نشد نشده نداشت نداره ندارد "
        "نداشتم نداشتند"
    ),
    "az": _words("deyil deyiləm deyilik deyilsiniz yox yoxdur heç olmaz olmadı olmayıb"),
    "tr": _words("değil değilim değiliz yok yoktur hiç asla olmaz olmadı"),
}

# Negators that reach back to the words before them (SOV order).
NEGATES_BACKWARDS: dict[str, frozenset[str]] = {
    "fa": _word_set(
        "نیست نیستم نیستیم نیستند نبود نبوده نشد نشده نداشت نداره ندارد نداشتم نداشتند"
    ),
    "az": _word_set("deyil deyiləm deyilik deyilsiniz yox yoxdur olmaz olmadı olmayıb"),
    "tr": _word_set("değil değilim değiliz yok yoktur olmaz olmadı"),
}
