"""The default questions, derived from the network's charter (seeds/network-principles.fi.txt).

Section 6 (benefits: goals reached faster, more innovatively, more efficiently, more flexibly than alone; the four
roles: peer service, learning and development, advocacy, creating the new), section 4 (four meetings a year, one of
them Democracy Day; ad hoc working groups), section 10 (the web page and the mailing list), and open questions for
development ideas. Keys are stable: next year's survey copies them so answers can be compared year over year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import NETWORK_NAMES
from .models import AGREE5, MULTIPLE, SCALE10, SINGLE, TEXT


@dataclass(frozen=True)
class TemplateQuestion:
    """A default question derived from the charter, in Finnish, Swedish and English."""

    key: str
    kind: str
    fi: str
    sv: str
    en: str
    goal: str | None = None
    required: bool = False
    # (value, fi, sv, en)
    options: tuple[tuple[str, str, str, str], ...] = field(default_factory=tuple)


DEFAULT_TITLE = ("Kuntademokratiaverkoston jäsenkysely", f"Medlemsenkät för {NETWORK_NAMES['sv']}",
                 "Member survey of the Municipal Democracy Network")
DEFAULT_INTRO = (
    "Verkoston toimintaa arvioidaan vuosittain itsearvioinnilla, jossa hyödynnetään tätä jäsenkyselyä. "
    "Vastaukset tallennetaan ilman yhteyttä vastaajaan.",
    "Nätverkets verksamhet utvärderas årligen genom självvärdering, där denna medlemsenkät används. "
    "Svaren sparas utan koppling till den som svarat.",
    "The network is evaluated every year by self-assessment, which uses this member survey. "
    "Answers are stored with no link to the person who gave them.",
)

QUESTIONS: tuple[TemplateQuestion, ...] = (
    TemplateQuestion(
        "benefit_faster", AGREE5,
        "Verkoston avulla saavutamme tavoitteemme nopeammin kuin yksin toimien.",
        "Med nätverkets hjälp når vi våra mål snabbare än på egen hand.",
        "With the network we reach our goals faster than alone.", "faster", True),
    TemplateQuestion(
        "benefit_innovative", AGREE5,
        "Verkoston avulla toimimme innovatiivisemmin kuin yksin.",
        "Med nätverkets hjälp arbetar vi mer innovativt än på egen hand.",
        "With the network we work more innovatively than alone.", "innovative", True),
    TemplateQuestion(
        "benefit_efficient", AGREE5,
        "Verkoston avulla toimimme tehokkaammin kuin yksin.",
        "Med nätverkets hjälp arbetar vi effektivare än på egen hand.",
        "With the network we work more efficiently than alone.", "efficient", True),
    TemplateQuestion(
        "benefit_flexible", AGREE5,
        "Verkoston avulla toimimme joustavammin kuin yksin.",
        "Med nätverkets hjälp arbetar vi flexiblare än på egen hand.",
        "With the network we work more flexibly than alone.", "flexible", True),
    TemplateQuestion(
        "role_peer_service", AGREE5,
        "Saan verkostosta vertaistukea ja apua omaan työhöni.",
        "Jag får kamratstöd och hjälp i mitt arbete genom nätverket.",
        "The network gives me peer support and help in my work.", "peer_service", True),
    TemplateQuestion(
        "role_learning", AGREE5,
        "Verkosto on minulle väylä oppia ja kehittää kuntademokratiaa.",
        "Nätverket är för mig en väg att lära mig och utveckla kommundemokratin.",
        "The network is my way to learn about and develop local democracy.", "learning", True),
    TemplateQuestion(
        "role_advocacy", AGREE5,
        "Verkosto vaikuttaa kuntademokratian puolesta ja sen kannanotot ovat merkityksellisiä.",
        "Nätverket påverkar för kommundemokratin och dess ställningstaganden är betydelsefulla.",
        "The network advocates local democracy and its statements matter.", "advocacy", True),
    TemplateQuestion(
        "role_creating_new", AGREE5,
        "Verkostossa syntyy uusia toimintamalleja ja ideoita.",
        "I nätverket uppstår nya verksamhetsmodeller och idéer.",
        "New ways of working and new ideas are created in the network.", "creating_new", True),
    TemplateQuestion(
        "meetings_attended", SINGLE,
        "Kuinka moneen verkoston neljästä tapaamisesta osallistuit tänä vuonna?",
        "I hur många av nätverkets fyra träffar deltog du i år?",
        "How many of the network's four meetings did you attend this year?", "meetings", True,
        (("0", "En yhteenkään", "Ingen", "None"), ("1", "Yhteen", "En", "One"), ("2", "Kahteen", "Två", "Two"),
         ("3", "Kolmeen", "Tre", "Three"), ("4", "Kaikkiin neljään", "Alla fyra", "All four"))),
    TemplateQuestion(
        "meetings_useful", SCALE10,
        "Kuinka hyödyllisiä verkoston tapaamiset olivat sinulle (0 = ei lainkaan, 10 = erittäin)?",
        "Hur nyttiga var nätverkets träffar för dig (0 = inte alls, 10 = mycket)?",
        "How useful were the network's meetings to you (0 = not at all, 10 = very)?", "meetings"),
    TemplateQuestion(
        "democracy_day", SCALE10,
        "Kuinka onnistunut oli tämän vuoden Demokratiapäivä (0–10)?",
        "Hur lyckad var årets Demokratidag (0–10)?",
        "How successful was this year's Democracy Day (0–10)?", "meetings"),
    TemplateQuestion(
        "working_groups", AGREE5,
        "Verkoston työryhmät ovat hyvä tapa kehittää yhdessä tiettyä teemaa.",
        "Nätverkets arbetsgrupper är ett bra sätt att tillsammans utveckla ett visst tema.",
        "The network's working groups are a good way to develop a theme together.", "working_groups"),
    TemplateQuestion(
        "channels_used", MULTIPLE,
        "Mitä verkoston kanavia käytit tänä vuonna?",
        "Vilka av nätverkets kanaler använde du i år?",
        "Which of the network's channels did you use this year?", "communication", False,
        (("mailing_list", "Sähköpostilista", "E-postlistan", "Mailing list"),
         ("web_page", "Verkoston verkkosivu", "Nätverkets webbsida", "The network's web page"),
         ("meetings", "Tapaamiset", "Träffarna", "Meetings"),
         ("working_groups", "Työryhmät", "Arbetsgrupperna", "Working groups"),
         ("social_media", "Sosiaalinen media", "Sociala medier", "Social media"))),
    TemplateQuestion(
        "mailing_list", AGREE5,
        "Sähköpostilista pitää minut ajan tasalla verkoston toiminnasta.",
        "E-postlistan håller mig uppdaterad om nätverkets verksamhet.",
        "The mailing list keeps me up to date with the network.", "communication"),
    TemplateQuestion(
        "web_page", AGREE5,
        "Verkoston verkkosivulta löydän tarvitsemani tiedon.",
        "På nätverkets webbsida hittar jag den information jag behöver.",
        "I find what I need on the network's web page.", "communication"),
    TemplateQuestion(
        "strategic_value", AGREE5,
        "Verkosto on organisaatiollemme strategisesti merkittävä.",
        "Nätverket är strategiskt viktigt för vår organisation.",
        "The network is strategically important to our organisation.", None, True),
    TemplateQuestion(
        "recommend", SCALE10,
        "Kuinka todennäköisesti suosittelisit verkostoa kollegallesi (0–10)?",
        "Hur sannolikt är det att du skulle rekommendera nätverket till en kollega (0–10)?",
        "How likely are you to recommend the network to a colleague (0–10)?"),
    TemplateQuestion(
        "ideas_development", TEXT,
        "Miten verkoston toimintaa pitäisi kehittää?",
        "Hur borde nätverkets verksamhet utvecklas?",
        "How should the network's work be developed?"),
    TemplateQuestion(
        "ideas_themes", TEXT,
        "Mitä teemoja toivoisit verkoston käsittelevän ensi vuonna?",
        "Vilka teman önskar du att nätverket tar upp nästa år?",
        "Which themes would you like the network to take up next year?"),
)
