/* topics.c -- category and signal word lists of "outcry-lexicon/0.1".
 *
 * Category terms push the softmax toward one category each (a word may be
 * listed under several). Signal terms raise signals (model.h), make a
 * complaint critical, or are cues for the anger and sarcasm rules. Airline
 * disruption (flights, gates, crews) counts as service; bags in transit as
 * delivery; money in any form as billing. */
#include "lexicon.h"
#include "model.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The tables are laid out by hand, several entries a line. */
/* clang-format off */

#define BIL(t, w) {t, w, 0, CL_CAT_BILLING}
#define DEL(t, w) {t, w, 0, CL_CAT_DELIVERY}
#define PRO(t, w) {t, w, 0, CL_CAT_PRODUCT}
#define TEC(t, w) {t, w, 0, CL_CAT_TECHNICAL}
#define ACC(t, w) {t, w, 0, CL_CAT_ACCOUNT}
#define SER(t, w) {t, w, 0, CL_CAT_SERVICE}
#define SAF(t, w) {t, w, 0, CL_CAT_SAFETY}
#define PRI(t, w) {t, w, 0, CL_CAT_PRIVACY}

const cl_term_t cl_category_terms[] = {
    BIL("bill", 2.0), BIL("bills", 2.0), BIL("billed", 2.2), BIL("billing", 2.2),
    BIL("charge", 1.8), BIL("charged", 2.0), BIL("charges", 2.0), BIL("charging", 0.6),
    BIL("overcharg*", 2.5), BIL("refund", 2.2), BIL("refunded", 2.2), BIL("refunds", 2.2),
    BIL("money back", 2.2), BIL("fee", 2.0), BIL("fees", 2.0), BIL("payment", 2.0),
    BIL("payments", 2.0), BIL("paid", 1.5), BIL("pay", 1.2), BIL("paying", 1.5),
    BIL("invoice", 2.0), BIL("price", 1.5), BIL("prices", 1.5), BIL("pricing", 1.5),
    BIL("cost", 1.2), BIL("costs", 1.2), BIL("expensive", 1.2), BIL("plan", 1.0),
    BIL("subscription", 1.5), BIL("subscriptions", 1.5), BIL("renewal", 1.5),
    BIL("auto renew", 1.8), BIL("discount", 1.5), BIL("promo", 1.5), BIL("promo code", 1.8),
    BIL("coupon", 1.5), BIL("voucher", 1.2), BIL("gift card", 1.2), BIL("credit", 1.2),
    BIL("credit card", 1.5), BIL("debit card", 1.2), BIL("card", 0.6), BIL("bank", 0.8),
    BIL("bank account", 1.0), BIL("transaction", 1.8), BIL("transactions", 1.8),
    BIL("deposit", 1.5), BIL("withdrawal", 1.5), BIL("overdraft", 2.0), BIL("balance", 1.2),
    BIL("statement", 1.2), BIL("direct debit", 2.0), BIL("<money>", 1.5), BIL("price match", 1.8),
    BIL("late fee", 2.2), BIL("deducted", 2.0), BIL("debited", 2.0), BIL("charged twice", 2.5),
    BIL("double charged", 2.5), BIL("hidden fees", 2.2), BIL("contract", 1.0),
    BIL("early termination", 1.5), BIL("loan", 1.5), BIL("mortgage", 1.5), BIL("paypal", 1.2),
    BIL("apple pay", 1.2), BIL("cash", 1.0), BIL("money", 1.2), BIL("dollars", 1.2),
    BIL("bucks", 1.0), BIL("fraud", 1.0), BIL("fraudulent", 1.2), BIL("unauthori*", 1.0),
    BIL("upgrade", 0.6), BIL("membership", 0.8), BIL("factura", 2.0), BIL("facturas", 2.0), BIL("cobro", 2.0),
    BIL("cobrado", 2.0), BIL("reembolso", 2.0), BIL("facture", 2.0), BIL("remboursement", 2.0),
    BIL("rembourse", 2.0), BIL("prelevement", 2.0), BIL("rechnung", 2.0), BIL("erstattung", 2.0),
    BIL("abbuchung", 2.0), BIL("geld", 1.2), BIL("fatura", 2.0), BIL("cobranca", 2.0),
    BIL("dinero", 1.2), BIL("argent", 1.2), BIL("dinheiro", 1.2),

    DEL("deliver", 2.0), DEL("delivery", 2.2), DEL("deliveries", 2.2), DEL("delivered", 2.0),
    DEL("delivering", 2.0), DEL("package", 2.2), DEL("packages", 2.2), DEL("parcel", 2.2),
    DEL("parcels", 2.2), DEL("order", 1.2), DEL("orders", 1.2), DEL("ordered", 1.2),
    DEL("shipping", 2.0), DEL("shipped", 2.0), DEL("shipment", 2.2), DEL("ship", 1.2),
    DEL("tracking", 1.8), DEL("tracking number", 2.2), DEL("courier", 2.2), DEL("driver", 1.2),
    DEL("delivery driver", 2.5), DEL("arrive", 1.0), DEL("arrived", 1.0), DEL("arrival", 0.8),
    DEL("out for delivery", 2.5), DEL("dispatch", 1.8), DEL("dispatched", 1.8),
    DEL("doorstep", 1.8), DEL("porch", 1.5), DEL("left at", 1.2), DEL("mailbox", 1.5),
    DEL("mail", 1.0), DEL("postman", 2.0), DEL("ups", 1.8), DEL("fedex", 1.8), DEL("usps", 1.8),
    DEL("dhl", 1.8), DEL("royal mail", 2.0), DEL("hermes", 1.5), DEL("prime", 0.8),
    DEL("next day", 1.2), DEL("eta", 1.0), DEL("estimated delivery", 2.0), DEL("luggage", 1.8),
    DEL("baggage", 1.8), DEL("bag", 1.0), DEL("bags", 1.0), DEL("suitcase", 1.8),
    DEL("lost luggage", 2.5), DEL("baggage claim", 2.0), DEL("missing items", 1.8),
    DEL("stolen", 0.8), DEL("wrong address", 2.0), DEL("address", 0.6), DEL("signed for", 1.5),
    DEL("pickup", 1.0), DEL("pick up", 0.8), DEL("food", 0.6), DEL("restaurant", 0.8),
    DEL("damaged", 1.0), DEL("expedited", 1.2), DEL("wrong item", 1.5), DEL("delayed", 0.8), DEL("pedido", 2.0),
    DEL("paquete", 2.0), DEL("envio", 2.0), DEL("entrega", 2.0), DEL("llegado", 1.0),
    DEL("llego", 1.0), DEL("repartidor", 2.0), DEL("colis", 2.0), DEL("commande", 1.5),
    DEL("livraison", 2.2), DEL("livre", 1.2), DEL("paket", 2.0), DEL("lieferung", 2.2),
    DEL("bestellung", 1.5), DEL("geliefert", 2.0), DEL("sendung", 2.0), DEL("angekommen", 1.0),
    DEL("encomenda", 2.0), DEL("entregue", 1.5), DEL("chegou", 1.0), DEL("correios", 2.0),

    PRO("broken", 1.2), PRO("defective", 2.2), PRO("faulty", 2.0), PRO("damaged", 1.5),
    PRO("quality", 1.8), PRO("product", 1.8), PRO("products", 1.8), PRO("item", 1.2),
    PRO("items", 1.0), PRO("wrong item", 1.5), PRO("wrong size", 2.0), PRO("size", 1.2),
    PRO("fit", 0.8), PRO("fits", 0.8), PRO("material", 1.2), PRO("cracked", 1.5),
    PRO("fell apart", 2.2), PRO("ripped", 1.5), PRO("torn", 1.5), PRO("stained", 1.2),
    PRO("scratched", 1.5), PRO("warranty", 2.0), PRO("replacement", 1.2), PRO("replace", 0.8),
    PRO("return", 1.0), PRO("returns", 1.0), PRO("returned", 1.0), PRO("exchange", 1.0),
    PRO("recall", 2.0), PRO("expired", 1.5), PRO("stale", 1.5), PRO("mold", 1.5), PRO("moldy", 1.5),
    PRO("taste", 1.2), PRO("tastes", 1.2), PRO("flavor", 1.2), PRO("flavour", 1.2),
    PRO("battery", 1.2), PRO("battery life", 1.5), PRO("charger", 1.5), PRO("charging", 0.8),
    PRO("cable", 1.2), PRO("headphones", 1.2), PRO("airpods", 1.2), PRO("earbuds", 1.2),
    PRO("screen", 1.0), PRO("phone", 0.5), PRO("iphone", 0.6), PRO("ipad", 0.6),
    PRO("macbook", 0.6), PRO("laptop", 0.6), PRO("device", 0.5), PRO("console", 0.6),
    PRO("tv", 0.6), PRO("shoes", 1.2), PRO("shirt", 1.2), PRO("dress", 1.2), PRO("jacket", 1.0),
    PRO("packaging", 1.0), PRO("box", 0.5), PRO("out of stock", 1.5), PRO("stock", 1.0),
    PRO("sold out", 1.2), PRO("in stock", 1.2), PRO("counterfeit", 1.5), PRO("fake", 1.0),
    PRO("roto", 1.8), PRO("defectuoso", 2.2), PRO("producto", 1.8), PRO("produit", 1.8),
    PRO("casse", 1.5), PRO("defectueux", 2.2), PRO("produkt", 1.8), PRO("defekt", 2.2),
    PRO("kaputt", 1.8), PRO("produto", 1.8), PRO("defeito", 2.0), PRO("quebrado", 1.8),

    TEC("outage", 2.5), TEC("outages", 2.5), TEC("internet", 2.0), TEC("wifi", 2.0),
    TEC("signal", 2.0), TEC("connection", 1.8), TEC("connectivity", 2.0), TEC("network", 1.8),
    TEC("coverage", 1.8), TEC("no service", 2.0), TEC("speed", 1.5), TEC("speeds", 1.5),
    TEC("slow", 1.2), TEC("mbps", 2.0), TEC("4g", 1.8), TEC("5g", 1.8), TEC("lte", 1.8),
    TEC("data", 1.0), TEC("router", 2.2), TEC("modem", 2.2), TEC("cable box", 2.0), TEC("app", 1.8),
    TEC("apps", 1.5), TEC("website", 1.8), TEC("site", 1.5), TEC("web site", 1.8), TEC("page", 1.0),
    TEC("browser", 1.5), TEC("error", 1.8), TEC("error message", 2.0), TEC("error code", 2.0),
    TEC("crash*", 2.0), TEC("bug", 1.8), TEC("bugs", 1.8), TEC("buggy", 2.0), TEC("glitch*", 2.0),
    TEC("update", 1.5), TEC("updated", 1.2), TEC("software update", 2.2), TEC("ios", 1.8),
    TEC("android", 1.5), TEC("freez*", 1.8), TEC("frozen", 1.5), TEC("lag", 1.5), TEC("laggy", 1.8),
    TEC("lagging", 1.8), TEC("buffering", 2.0), TEC("streaming", 1.5), TEC("stream", 1.0),
    TEC("loading", 1.5), TEC("load", 1.0), TEC("server", 1.8), TEC("servers", 1.8),
    TEC("down", 1.0), TEC("offline", 1.8), TEC("reboot", 1.8), TEC("restart", 1.5),
    TEC("reset", 0.8), TEC("install", 1.5), TEC("download", 1.2), TEC("bluetooth", 1.8),
    TEC("sync", 1.5), TEC("syncing", 1.5), TEC("dropped calls", 2.2), TEC("calls", 0.8),
    TEC("texts", 0.8), TEC("voicemail", 1.5), TEC("tv", 0.6), TEC("channel", 1.2),
    TEC("channels", 1.2), TEC("cable", 0.8), TEC("tech support", 1.5), TEC("technical", 1.5),
    TEC("psn", 1.5), TEC("online", 0.6), TEC("battery", 0.6), TEC("battery drain", 2.0),
    TEC("draining", 1.5), TEC("overheating", 1.0), TEC("connect", 1.5), TEC("connected", 1.2),
    TEC("black screen", 2.0), TEC("blue screen", 2.0), TEC("screen", 0.5), TEC("phone", 0.5),
    TEC("iphone", 0.6), TEC("panne", 2.2), TEC("reseau", 1.8), TEC("senal", 1.8),
    TEC("conexion", 1.8), TEC("conexao", 1.8), TEC("storung", 2.2), TEC("ausfall", 2.0),
    TEC("music", 1.0), TEC("song", 1.0), TEC("songs", 1.0), TEC("playlist", 1.2),
    TEC("shuffle", 1.2), TEC("sound", 1.0), TEC("audio", 1.2), TEC("volume", 1.0),
    TEC("video", 1.0), TEC("videos", 1.0), TEC("episode", 1.0), TEC("episodes", 1.0),
    TEC("keyboard", 1.2), TEC("settings", 1.5), TEC("setting", 1.2), TEC("autocorrect*", 1.5),
    TEC("control center", 1.5), TEC("button", 1.0), TEC("apple id", 1.2), TEC("icloud", 1.5),
    TEC("backup", 1.2), TEC("restore", 1.2), TEC("storage", 1.2), TEC("notifications", 1.2),
    TEC("game", 1.0), TEC("games", 1.0), TEC("dlc", 1.5), TEC("save data", 1.5),
    TEC("console", 0.8), TEC("xbox", 1.0), TEC("ps4", 1.0), TEC("export", 1.2),
    TEC("file", 1.0), TEC("files", 1.0), TEC("pdf", 1.0), TEC("version", 1.0),
    TEC("software", 1.5), TEC("computer", 1.0), TEC("windows", 1.2), TEC("camera", 0.8),
    TEC("netz", 1.5), TEC("verbindung", 1.8), TEC("aplicacion", 1.5), TEC("aplicativo", 1.5),

    ACC("account", 2.0), ACC("accounts", 2.0), ACC("my account", 2.2), ACC("password", 2.5),
    ACC("login", 2.2), ACC("log in", 2.2), ACC("logged out", 2.0), ACC("sign in", 2.2),
    ACC("signin", 2.0), ACC("username", 2.2), ACC("user name", 2.0), ACC("locked", 1.8),
    ACC("locked out", 2.5), ACC("verify", 1.8), ACC("verification", 2.0),
    ACC("verification code", 2.2), ACC("code", 0.8), ACC("two factor", 2.2), ACC("2fa", 2.2),
    ACC("otp", 2.0), ACC("security question", 2.2), ACC("email", 1.0), ACC("email address", 1.5),
    ACC("phone number", 1.0), ACC("profile", 1.5), ACC("suspended", 2.0), ACC("deactivated", 2.2),
    ACC("disabled", 1.5), ACC("banned", 1.8), ACC("closed", 0.8), ACC("hacked", 1.8),
    ACC("reset", 1.0), ACC("id", 0.8), ACC("identity", 1.2), ACC("upgrade", 1.2),
    ACC("eligible", 1.0), ACC("sim", 1.2), ACC("sim card", 1.5), ACC("unlock", 1.5),
    ACC("transfer my number", 1.8), ACC("membership", 1.5), ACC("rewards", 1.2), ACC("points", 1.0),
    ACC("loyalty", 1.2), ACC("miles", 1.0), ACC("frequent flyer", 1.5), ACC("plan", 0.6),
    ACC("fraud", 0.8), ACC("unauthori*", 1.0), ACC("cuenta", 2.0), ACC("contrasena", 2.2),
    ACC("compte", 2.0), ACC("mot de passe", 2.2), ACC("konto", 2.0), ACC("passwort", 2.2),
    ACC("conta", 2.0), ACC("senha", 2.2),

    SER("customer service", 2.5), SER("customer care", 2.2), SER("customer support", 2.2),
    SER("support", 1.2), SER("service", 0.6), SER("agent", 1.8), SER("agents", 1.8),
    SER("rep", 1.8), SER("reps", 1.8), SER("representative", 2.0), SER("staff", 1.8),
    SER("employee", 1.8), SER("employees", 1.8), SER("manager", 1.5), SER("supervisor", 1.8),
    SER("rude", 2.2), SER("unhelpful", 1.8), SER("on hold", 2.5), SER("hold", 1.2),
    SER("hung up", 2.2), SER("call center", 2.2), SER("call centre", 2.2), SER("call", 0.8),
    SER("called", 1.0), SER("calling", 0.8), SER("phone", 0.3), SER("chat", 1.2),
    SER("live chat", 2.0), SER("dm", 0.8), SER("dms", 0.8), SER("private message", 1.0),
    SER("response", 1.2), SER("respond", 1.2), SER("responding", 1.2), SER("reply", 1.2),
    SER("replied", 1.0), SER("answer", 1.0), SER("waiting", 0.6), SER("wait", 0.6),
    SER("queue", 1.5), SER("line", 0.8), SER("store", 1.5), SER("stores", 1.5), SER("branch", 1.5), SER("shop", 1.0),
    SER("cashier", 2.0), SER("counter", 1.0), SER("no one", 1.0), SER("nobody", 1.0),
    SER("ignor*", 1.5), SER("complaint", 1.0), SER("escalate", 1.5), SER("callback", 1.5),
    SER("call back", 1.5), SER("flight", 1.8), SER("flights", 1.8), SER("delayed", 1.0),
    SER("delay", 1.0), SER("cancelled", 0.6), SER("canceled", 0.6), SER("gate", 1.8),
    SER("boarding", 1.8), SER("board", 0.8), SER("seat", 1.5), SER("seats", 1.5), SER("crew", 1.8),
    SER("attendant", 1.8), SER("flight attendant", 2.2), SER("pilot", 1.5), SER("airport", 1.5),
    SER("check in", 1.2), SER("checked in", 1.0), SER("rebook", 2.0), SER("rebooked", 2.0),
    SER("missed connection", 2.2), SER("connection", 0.6), SER("layover", 1.5), SER("train", 1.2),
    SER("bus", 1.2), SER("ride", 1.0), SER("room", 1.2), SER("hotel", 1.5), SER("reservation", 1.5),
    SER("booking", 1.5), SER("booked", 1.2), SER("appointment", 1.5), SER("technician", 1.5),
    SER("engineer", 1.2), SER("no show", 2.0), SER("driver", 0.5), SER("atencion", 2.0),
    SER("servicio", 1.5), SER("service client", 2.5), SER("kundenservice", 2.5),
    SER("kundendienst", 2.5), SER("atendimento", 2.2), SER("vuelo", 1.8), SER("vol", 1.2),
    SER("flug", 1.8), SER("voo", 1.8), SER("retraso", 1.2), SER("retard", 1.2),
    SER("verspatung", 1.2), SER("atraso", 1.2),

    SAF("injur*", 3.0), SAF("hurt", 2.5), SAF("burn", 2.0), SAF("burned", 2.5), SAF("burnt", 2.2),
    SAF("burns", 2.0), SAF("fire", 2.5), SAF("smoke", 2.5), SAF("smoking", 1.5),
    SAF("explod*", 3.0), SAF("blew up", 2.0), SAF("sparks", 2.5), SAF("sparking", 2.5),
    SAF("electrocut*", 3.0), SAF("electric shock", 3.0), SAF("overheating", 1.5),
    SAF("overheated", 1.5), SAF("dangerous", 3.0), SAF("danger", 2.5), SAF("unsafe", 3.0),
    SAF("hazard", 2.5), SAF("hazardous", 2.5), SAF("food poisoning", 3.5), SAF("poison*", 3.0),
    SAF("allergic reaction", 3.5), SAF("allergic", 2.5), SAF("allergy", 2.0), SAF("allergen*", 2.0),
    SAF("anaphyla*", 3.5), SAF("choke", 2.5), SAF("choking", 2.8), SAF("broken glass", 2.5),
    SAF("glass in", 2.5), SAF("hospital", 2.5), SAF("ambulance", 3.0), SAF("bleeding", 3.0),
    SAF("blood", 2.0), SAF("nearly killed", 3.5), SAF("killed", 2.0), SAF("could have killed", 3.5),
    SAF("carbon monoxide", 3.5), SAF("gas leak", 3.5), SAF("smell gas", 3.0), SAF("assault*", 3.0),
    SAF("harass*", 2.5), SAF("threatened", 2.0), SAF("attacked", 2.5), SAF("reckless", 2.5),
    SAF("car crash", 3.0), SAF("accident", 2.0), SAF("safety", 2.5), SAF("not safe", 2.5), SAF("sick", 1.5),
    SAF("made me sick", 3.0), SAF("got sick", 2.5), SAF("vomit*", 2.5), SAF("threw up", 2.5),
    SAF("cockroach", 2.0), SAF("peligro", 2.5), SAF("peligroso", 3.0), SAF("herido", 3.0),
    SAF("incendio", 3.0), SAF("fuego", 2.5), SAF("dangereux", 3.0), SAF("blesse", 3.0),
    SAF("gefahrlich", 3.0), SAF("verletzt", 3.0), SAF("feuer", 2.5), SAF("perigoso", 3.0),
    SAF("ferido", 3.0), SAF("intoxicacion", 3.0), SAF("intoxication", 3.0),

    PRI("privacy", 2.5), PRI("private", 0.8), PRI("data breach", 3.5), PRI("breach", 2.5),
    PRI("leak", 1.5), PRI("leaked", 3.0), PRI("exposed", 2.5), PRI("personal data", 3.0),
    PRI("personal information", 3.0), PRI("personal info", 3.0), PRI("personal details", 3.0),
    PRI("my data", 2.0), PRI("my information", 2.0), PRI("my details", 1.5),
    PRI("someone else's", 2.5), PRI("someone elses", 2.5), PRI("another customer's", 2.5),
    PRI("other people's", 2.0), PRI("sold my", 2.5), PRI("without my consent", 3.0),
    PRI("without my permission", 2.5), PRI("consent", 2.0), PRI("gdpr", 3.0), PRI("doxx*", 3.0),
    PRI("spam", 1.2), PRI("spamming", 1.2), PRI("my address", 1.0), PRI("stalker", 2.0),
    PRI("hacked", 1.2), PRI("datos personales", 3.0), PRI("donnees personnelles", 3.0),
    PRI("datenschutz", 3.0), PRI("dados pessoais", 3.0), PRI("privacidad", 2.5),
    PRI("confidentialite", 2.5), PRI("privacidade", 2.5),
};
const size_t cl_category_nterms = COUNT(cl_category_terms);

/* Signal terms: S(term, bits). Without CL_SF_NEGATED or CL_SF_EITHER a term
 * counts only when asserted ("I won't cancel" is no churn threat). An entry
 * with no bits blocks a shorter one ("cancelled my flight" is no churn). */
#define S(t, bits) {t, 0, 0, bits}
#define CHURN     CL_SIG_CHURN
#define CHURN_C   (CL_SIG_CHURN | CL_SF_COMPLAINT)
#define SAFE      (CL_SIG_SAFETY | CL_SF_CRITICAL)
#define SAFE_C    (CL_SIG_SAFETY | CL_SF_CRITICAL | CL_SF_COMPLAINT)
#define LEGAL     (CL_SIG_LEGAL | CL_SF_CRITICAL)
#define FRAUD     (CL_SIG_FRAUD | CL_SF_CRITICAL)
#define PRIV      CL_SIG_PRIVACY
#define EXPOSED   (CL_SIG_PRIVACY | CL_SF_CRITICAL)
#define EXPOSED_C (CL_SIG_PRIVACY | CL_SF_CRITICAL | CL_SF_COMPLAINT)
#define OUTAGE    CL_SIG_OUTAGE
#define REPEAT    (CL_SIG_REPEAT | CL_SF_COMPLAINT | CL_SF_EITHER)
#define ANGER     (CL_SIG_ANGER | CL_SF_CUE)
#define SARCASM   (CL_SIG_SARCASM | CL_SF_CUE | CL_SF_EITHER)

const cl_term_t cl_signal_terms[] = {
    S("cancel", CHURN_C), S("cancelling", CHURN_C), S("canceling", CHURN_C), S("cancel my", CHURN),
    S("going to cancel", CHURN), S("gonna cancel", CHURN), S("want to cancel", CHURN),
    S("will cancel", CHURN), S("cancelled my", CHURN_C), S("canceled my", CHURN_C),
    S("cancelled my flight", 0), S("canceled my flight", 0), S("cancelled flight", 0),
    S("canceled flight", 0), S("cancelled flights", 0),
    S("cancel my order", 0), S("cancel my reservation", 0), S("cancel my booking", 0),
    S("cancel my flight", 0), S("cancel my ride", 0), S("cancel my appointment", 0),
    S("cancel the order", 0), S("cancel an order", 0), S("cancel this order", 0), S("switching to", CHURN),
    S("switch to", CHURN_C), S("switching", CHURN_C), S("switched to", CHURN),
    S("moving to", CHURN_C), S("leaving", CHURN_C), S("i'm leaving", CHURN), S("im leaving", CHURN),
    S("taking my business", CHURN), S("business elsewhere", CHURN), S("another provider", CHURN),
    S("new provider", CHURN), S("another carrier", CHURN), S("new carrier", CHURN),
    S("another bank", CHURN), S("competitor", CHURN_C), S("close my account", CHURN),
    S("closing my account", CHURN), S("port my number", CHURN), S("porting my number", CHURN),
    S("done with", CHURN_C), S("never again", CHURN), S("never using", CHURN),
    S("never ordering", CHURN), S("never order", CHURN), S("never fly", CHURN),
    S("never flying", CHURN), S("never shop", CHURN), S("never shopping", CHURN),
    S("never buying", CHURN), S("never buy", CHURN), S("last time i", CHURN_C),
    S("unsubscribe", CHURN_C), S("lost a customer", CHURN), S("lost my business", CHURN),
    S("losing a customer", CHURN), S("goodbye", CHURN_C), S("i'm done", CHURN_C),
    S("im done", CHURN_C), S("go another brand", CHURN), S("another company", CHURN_C),
    S("fly with anyone", CHURN_C), S("cancelar", CHURN_C), S("resilier", CHURN),
    S("kundigen", CHURN),

    S("injur*", SAFE), S("hurt", SAFE_C), S("burned", SAFE), S("burned out", 0), S("burnt out", 0), S("burnt", SAFE),
    S("caught fire", SAFE), S("on fire", SAFE_C), S("fire", SAFE_C), S("smoke", SAFE_C),
    S("explod*", SAFE), S("blew up", CL_SIG_SAFETY | CL_SF_COMPLAINT), S("sparks", SAFE),
    S("sparking", SAFE), S("electrocut*", SAFE), S("electric shock", SAFE), S("dangerous", SAFE), S("safe", SAFE | CL_SF_NEGATED),
    S("unsafe", SAFE), S("hazard", SAFE), S("hazardous", SAFE), S("food poisoning", SAFE),
    S("poison*", SAFE), S("allergic reaction", SAFE), S("anaphyla*", SAFE), S("choking", SAFE),
    S("broken glass", SAFE), S("glass in", SAFE), S("hospital", SAFE_C), S("ambulance", SAFE),
    S("bleeding", SAFE), S("nearly killed", SAFE), S("almost killed", SAFE),
    S("could have killed", SAFE), S("could've killed", SAFE), S("carbon monoxide", SAFE),
    S("gas leak", SAFE), S("smell gas", SAFE), S("assault*", SAFE), S("harass*", SAFE),
    S("threatened me", SAFE), S("attacked", SAFE), S("reckless", SAFE), S("car crash", SAFE),
    S("accident", SAFE_C), S("made me sick", SAFE), S("got sick", SAFE), S("vomit*", SAFE),
    S("threw up", SAFE), S("overheating", CL_SIG_SAFETY | CL_SF_COMPLAINT),
    S("overheated", CL_SIG_SAFETY | CL_SF_COMPLAINT), S("peligroso", SAFE), S("peligro", SAFE),
    S("herido", SAFE), S("incendio", SAFE), S("dangereux", SAFE), S("blesse", SAFE),
    S("gefahrlich", SAFE), S("verletzt", SAFE), S("perigoso", SAFE), S("ferido", SAFE),
    S("intoxicacion", SAFE), S("intoxication", SAFE),

    S("lawyer", LEGAL), S("lawyers", LEGAL), S("attorney", LEGAL), S("solicitor", LEGAL),
    S("sue", LEGAL), S("suing", LEGAL), S("sued", LEGAL), S("lawsuit", LEGAL),
    S("legal action", LEGAL), S("take legal", LEGAL), S("class action", LEGAL), S("court", LEGAL),
    S("small claims", LEGAL), S("trading standards", LEGAL), S("ombudsman", LEGAL), S("bbb", LEGAL),
    S("better business bureau", LEGAL), S("fcc", LEGAL), S("ftc", LEGAL), S("cfpb", LEGAL),
    S("ofcom", LEGAL), S("attorney general", LEGAL), S("consumer protection", LEGAL),
    S("consumer rights", LEGAL), S("report you", LEGAL), S("reporting you", LEGAL),
    S("illegal", LEGAL), S("unlawful", LEGAL), S("breach of contract", LEGAL),
    S("regulator", LEGAL), S("abogado", LEGAL), S("demanda", LEGAL), S("denuncia", LEGAL),
    S("denunciar", LEGAL), S("avocat", LEGAL), S("plainte", LEGAL), S("tribunal", LEGAL),
    S("anwalt", LEGAL), S("klage", LEGAL), S("anzeige", LEGAL), S("verbraucherzentrale", LEGAL),
    S("advogado", LEGAL), S("procon", LEGAL), S("processo", LEGAL),

    S("fraud", FRAUD), S("fraud protection", 0), S("fraud department", 0), S("fraudulent", FRAUD), S("scam*", FRAUD), S("phishing", FRAUD),
    S("identity theft", FRAUD), S("stolen identity", FRAUD), S("unauthori*", FRAUD),
    S("authori*", FRAUD | CL_SF_NEGATED), S("stolen card", FRAUD), S("someone used my card", FRAUD),
    S("hacked", FRAUD | CL_SIG_PRIVACY), S("compromised", FRAUD | CL_SF_COMPLAINT),
    S("counterfeit", FRAUD), S("fake", CL_SIG_FRAUD | CL_SF_COMPLAINT), S("estafa", FRAUD),
    S("fraude", FRAUD), S("arnaque", FRAUD), S("betrug", FRAUD), S("golpe", FRAUD),

    S("data breach", EXPOSED), S("breach", EXPOSED_C), S("leaked", EXPOSED),
    S("exposed", EXPOSED_C), S("someone else's", EXPOSED), S("someone elses", EXPOSED),
    S("another customer's", EXPOSED), S("sold my data", EXPOSED), S("sold my information", EXPOSED),
    S("sold my", PRIV | CL_SF_COMPLAINT), S("shared my", PRIV | CL_SF_COMPLAINT),
    S("without my consent", EXPOSED), S("without my permission", PRIV), S("doxx*", EXPOSED),
    S("privacy", PRIV), S("gdpr", PRIV), S("personal data", PRIV), S("personal information", PRIV),
    S("personal info", PRIV), S("personal details", PRIV), S("datos personales", PRIV),
    S("donnees personnelles", PRIV), S("datenschutz", PRIV), S("dados pessoais", PRIV),
    S("privacidad", PRIV), S("privacidade", PRIV), S("confidentialite", PRIV),

    S("outage", OUTAGE), S("outages", OUTAGE), S("is down", OUTAGE), S("are down", OUTAGE),
    S("been down", OUTAGE), S("went down", OUTAGE), S("down again", OUTAGE),
    S("still down", OUTAGE), S("service down", OUTAGE), S("network down", OUTAGE),
    S("internet down", OUTAGE), S("site down", OUTAGE), S("app down", OUTAGE),
    S("servers down", OUTAGE), S("server down", OUTAGE), S("no service", OUTAGE),
    S("no signal", OUTAGE), S("no internet", OUTAGE), S("no wifi", OUTAGE),
    S("no connection", OUTAGE), S("no network", OUTAGE), S("no power", OUTAGE),
    S("no coverage", OUTAGE), S("blackout", OUTAGE), S("offline", OUTAGE | CL_SF_COMPLAINT),
    S("panne", OUTAGE), S("caido", OUTAGE), S("sin servicio", OUTAGE), S("sin internet", OUTAGE),
    S("sin senal", OUTAGE), S("sem internet", OUTAGE), S("sem sinal", OUTAGE), S("storung", OUTAGE),
    S("ausfall", OUTAGE), S("kein internet", OUTAGE), S("kein netz", OUTAGE),
    S("hors service", OUTAGE), S("fora do ar", OUTAGE),

    S("again", REPEAT), S("yet again", REPEAT), S("once again", REPEAT),
    S("again and again", REPEAT), S("over and over", REPEAT), S("still", REPEAT),
    S("third time", REPEAT), S("3rd time", REPEAT), S("second time", REPEAT), S("2nd time", REPEAT),
    S("fourth time", REPEAT), S("4th time", REPEAT), S("fifth time", REPEAT), S("5th time", REPEAT),
    S("<num> times", REPEAT), S("multiple times", REPEAT), S("several times", REPEAT),
    S("many times", REPEAT), S("how many times", REPEAT), S("every time", REPEAT),
    S("every single time", REPEAT), S("for days", REPEAT), S("for weeks", REPEAT),
    S("for months", REPEAT), S("for hours", REPEAT), S("<num> days", REPEAT),
    S("<num> weeks", REPEAT), S("<num> months", REPEAT), S("over a week", REPEAT),
    S("over a month", REPEAT), S("constantly", REPEAT), S("keeps", REPEAT),
    S("keep getting", REPEAT), S("repeatedly", REPEAT), S("otra vez", REPEAT),
    S("de nuevo", REPEAT), S("todavia", REPEAT), S("encore", REPEAT), S("toujours", REPEAT),
    S("schon wieder", REPEAT), S("immer noch", REPEAT), S("wieder", REPEAT), S("de novo", REPEAT),
    S("novamente", REPEAT), S("ainda", REPEAT),

    S("fuck", ANGER), S("fucking", ANGER), S("fucked", ANGER), S("fuckin", ANGER), S("shit", ANGER),
    S("shitty", ANGER), S("bullshit", ANGER), S("damn", ANGER), S("dammit", ANGER),
    S("goddamn", ANGER), S("wtf", ANGER), S("ffs", ANGER), S("stfu", ANGER), S("piss*", ANGER),
    S("crap", ANGER), S("crappy", ANGER), S("bloody", ANGER), S("arse", ANGER),
    S("disgusting", ANGER), S("pathetic", ANGER), S("unacceptable", ANGER), S("ridiculous", ANGER),
    S("outrageous", ANGER), S("furious", ANGER), S("livid", ANGER), S("disgrace", ANGER),
    S("disgraceful", ANGER), S("appalling", ANGER), S("incompetent", ANGER), S("useless", ANGER),
    S("sick of", ANGER), S("fed up", ANGER), S("sick and tired", ANGER), S("what the hell", ANGER),
    S("what the fuck", ANGER),
    S("\xF0\x9F\x98\xA1", ANGER), /* pouting face */
    S("\xF0\x9F\xA4\xAC", ANGER), /* face with symbols on mouth */
    S("\xF0\x9F\x98\xA0", ANGER), /* angry face */
    S("\xF0\x9F\x98\xA4", ANGER), /* face with steam from nose */
    S("\xF0\x9F\x96\x95", ANGER), /* middle finger */

    S("thanks for nothing", SARCASM), S("thanks a lot", SARCASM), S("thanks a bunch", SARCASM),
    S("yeah right", SARCASM), S("so much for", SARCASM), S("love how", SARCASM),
    S("love that", SARCASM), S("love it when", SARCASM), S("love when", SARCASM),
    S("gotta love", SARCASM), S("just great", SARCASM), S("oh great", SARCASM),
    S("oh good", SARCASM), S("just what i needed", SARCASM), S("how nice", SARCASM),
    S("real nice", SARCASM), S("sarcasm", SARCASM), S("blessed", SARCASM),
    S("\xF0\x9F\x99\x83", SARCASM), /* upside-down face */
    S("\xF0\x9F\x99\x84", SARCASM), /* face with rolling eyes */
};
const size_t cl_signal_nterms = COUNT(cl_signal_terms);
/* clang-format on */
