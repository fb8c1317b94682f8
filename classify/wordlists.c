/* wordlists.c -- the hand-set tables of the "outcry-lexicon/0.1" model.
 *
 * Written for English customer-care posts to telecoms, airlines, retailers,
 * delivery services, banks and tech support, with the commonest complaint
 * words of Spanish, French, German and Portuguese. Terms follow the
 * tokeniser's normalisation (lexicon.h): lower case, accents stripped,
 * "<num>"/"<money>" for numbers. cl_model_new() checks every entry, and a
 * unit test builds the model, so a typo here fails the build's tests.
 *
 * Weights are in logit units for the complaint score (the bias is -1.0 in
 * lexpass.c: one clear complaint word such as "refund" or "broken" tips a
 * neutral text over 0.5, a praise word pulls it back), in softmax units for
 * categories, and valences in -3..3 for sentiment. */
#include "lexicon.h"
#include "model.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The tables are laid out by hand, several entries a line. */
/* clang-format off */

/* Complaint terms: C(term, weight, weight when negated). P marks praise
 * words (dropped under sarcasm), Q question forms. */
#define C(t, w, n) {t, w, n, 0}
#define P(t, w, n) {t, w, n, CL_TERM_PRAISE}
#define Q(t, w) {t, w, w, CL_TERM_QUESTION}

const cl_term_t cl_complaint_terms[] = {
    /* negators carry a little weight of their own */
    C("not", 0.3, 0.3), C("no", 0.2, 0.2), C("never", 0.8, 0.8), C("can't", 0.9, 0.9),
    C("cant", 0.9, 0.9), C("cannot", 0.9, 0.9), C("won't", 0.9, 0.9), C("wont", 0.9, 0.9),
    C("doesn't", 0.9, 0.9), C("doesnt", 0.9, 0.9), C("didn't", 0.7, 0.7), C("didnt", 0.7, 0.7),
    C("isn't", 0.5, 0.5), C("isnt", 0.5, 0.5), C("haven't", 0.8, 0.8), C("havent", 0.8, 0.8),
    C("hasn't", 0.8, 0.8), C("hasnt", 0.8, 0.8), C("aren't", 0.5, 0.5), C("arent", 0.5, 0.5),
    C("wasn't", 0.5, 0.5), C("wasnt", 0.5, 0.5), C("weren't", 0.5, 0.5), C("werent", 0.5, 0.5),
    C("couldn't", 0.8, 0.8), C("couldnt", 0.8, 0.8), C("wouldn't", 0.5, 0.5),
    C("wouldnt", 0.5, 0.5), C("ain't", 0.6, 0.6), C("aint", 0.6, 0.6), C("nobody", 1.0, 1.0),
    C("noone", 1.2, 1.2), C("no one", 1.2, 1.2), C("nothing", 0.6, 0.6), C("nunca", 0.8, 0.8),
    C("nadie", 1.0, 1.0),

    /* things that should happen: a complaint when they do not */
    C("work", 0.0, 2.0), C("works", -0.3, 2.0), C("working", -0.3, 2.2), C("worked", -0.3, 1.8),
    C("functioning", 0.0, 2.0), C("load", 0.0, 1.8), C("loading", 0.2, 2.0), C("loads", 0.0, 1.8),
    C("connect", 0.2, 2.0), C("connecting", 0.2, 2.0), C("arrive", 0.0, 2.0),
    C("arrived", -0.3, 2.2), C("receive", 0.0, 1.8), C("received", -0.2, 2.0),
    C("recieved", -0.2, 2.0), C("delivered", -0.3, 2.2), C("show up", 0.0, 1.8),
    C("showed up", -0.3, 1.8), C("got", 0.0, 1.0), C("get", 0.0, 0.8), C("access", 0.2, 1.8),
    C("log in", 0.2, 1.8), C("login", 0.3, 1.8), C("sign in", 0.2, 1.8), C("pay", 0.0, 1.2),
    C("use", 0.0, 1.2), C("open", 0.0, 1.2), C("sent", 0.0, 1.2), C("call", 0.1, 1.0),
    C("called", 0.3, 1.2), C("reply", 0.4, 1.8), C("replied", 0.2, 2.0), C("respond", 0.4, 1.8),
    C("responded", 0.2, 2.0), C("responding", 0.4, 2.0), C("response", 0.4, 2.0),
    C("answer", 0.2, 1.8), C("answered", 0.0, 2.0), C("answering", 0.3, 2.0), C("help", 0.4, 1.8),
    C("helped", -0.8, 1.8), C("helping", 0.0, 1.5), C("refunded", 0.3, 2.0), C("updated", 0.0, 1.2),
    C("update", 0.3, 1.0), C("updates", 0.3, 1.0), C("acceptable", 0.0, 2.0), C("ok", -0.4, 1.2),
    C("okay", -0.4, 1.2), C("fair", 0.0, 1.5), C("right", 0.0, 0.8), C("correct", 0.0, 1.2),
    C("possible", 0.0, 0.8), C("available", 0.2, 1.2), C("allowed", 0.2, 1.2), C("able", 0.0, 1.5),
    C("enough", 0.0, 0.8), C("clue", 0.0, 1.2), C("signal", 1.0, 2.2), C("service", 0.3, 2.0),
    C("internet", 0.4, 2.2), C("wifi", 0.4, 2.0), C("power", 0.3, 1.8), C("tracking", 0.2, 1.0),
    C("information", -0.3, 1.0), C("info", -0.3, 1.0), C("refund", 1.2, 1.8),
    C("compensation", 1.2, 1.5), C("apology", 0.8, 1.5), C("email", 0.1, 1.2),
    C("confirmation", 0.3, 1.2), C("believe", 0.0, 1.2), C("deliver", 0.0, 1.8), C("warning", 0.0, 1.2), C("notice", 0.0, 1.0),
    C("went up", 0.8, 0.0), C("without my permission", 2.0, 2.0),
    C("without my consent", 2.0, 2.0), C("without permission", 1.8, 1.8),
    C("without asking", 1.5, 1.5), C("safe", -0.3, 2.0),
    C("on time", -0.8, 1.5), C("no longer", 1.0, 1.0), C("not even", 1.2, 1.2),

    /* still, again, for days: waiting and repeating */
    C("still", 0.5, 0.5), C("still not", 1.8, 1.8), C("still no", 1.8, 1.8),
    C("still nothing", 2.0, 2.0), C("still haven't", 2.0, 2.0), C("still havent", 2.0, 2.0),
    C("still hasn't", 2.0, 2.0), C("still hasnt", 2.0, 2.0), C("still don't", 1.5, 1.5),
    C("still can't", 2.0, 2.0), C("still cant", 2.0, 2.0), C("still waiting", 2.5, 2.5),
    C("still down", 2.5, 2.5), C("still broken", 2.5, 2.5), C("again", 1.0, 1.2),
    C("yet again", 2.0, 2.0), C("once again", 1.5, 1.5), C("third time", 2.0, 2.0),
    C("3rd time", 2.0, 2.0), C("second time", 1.5, 1.5), C("2nd time", 1.5, 1.5),
    C("fourth time", 2.2, 2.2), C("4th time", 2.2, 2.2), C("<num> times", 1.2, 1.2),
    C("multiple times", 1.5, 1.5), C("several times", 1.5, 1.5), C("many times", 1.2, 1.2),
    C("how many times", 2.0, 2.0), C("every time", 1.0, 1.0), C("every single time", 1.8, 1.8),
    C("for days", 1.5, 1.5), C("for weeks", 1.8, 1.8), C("for months", 1.8, 1.8),
    C("for hours", 1.5, 1.5), C("<num> days", 0.6, 0.6), C("<num> weeks", 1.2, 1.2),
    C("<num> hours", 0.8, 0.8), C("<num> months", 1.0, 1.0), C("over a week", 1.5, 1.5),
    C("over an hour", 1.2, 1.2), C("all day", 1.0, 1.0), C("all week", 1.2, 1.2),
    C("constantly", 1.2, 1.2), C("keeps", 0.8, 0.8), C("keep getting", 1.5, 1.5),
    C("keep", 0.3, 0.3), C("always", 0.4, 0.4), C("waiting", 1.2, 1.2), C("waited", 1.5, 1.5),
    C("wait", 0.6, 0.6), C("waiting for", 1.4, 1.4), C("been waiting", 2.0, 2.0),
    C("on hold", 1.8, 1.8), C("put on hold", 2.0, 2.0), C("hung up", 2.0, 2.0),
    C("hang up", 1.5, 1.5), C("since", 0.3, 0.3), C("still happening", 2.0, 2.0),
    C("still having", 1.8, 1.8), C("still getting", 1.5, 1.5), C("still experiencing", 1.8, 1.8),
    C("still the same", 1.5, 1.5), C("it's been", 0.5, 0.5), C("its been", 0.5, 0.5),
    C("a week", 0.5, 0.5), C("weeks", 0.6, 0.6), C("half the time", 1.2, 1.2),
    C("unanswered", 1.5, 1.5), C("by itself", 1.0, 1.0),

    /* strong words */
    C("worst", 2.5, 0.5), C("terrible", 2.2, 0.0), C("horrible", 2.2, 0.0),
    C("horrendous", 2.5, 0.0), C("awful", 2.2, 0.0), C("atrocious", 2.5, 0.0),
    C("abysmal", 2.5, 0.0), C("pathetic", 2.5, 0.0), C("ridiculous", 2.2, 0.0),
    C("ridiculously", 1.0, 0.0), C("unacceptable", 2.8, 0.0), C("disgusting", 2.5, 0.0),
    C("disgrace", 2.5, 0.0), C("disgraceful", 2.5, 0.0), C("appalling", 2.5, 0.0),
    C("shambles", 2.5, 0.0), C("shocking", 1.5, 0.0), C("useless", 2.2, 0.0),
    C("incompetent", 2.5, 0.0), C("incompetence", 2.5, 0.0), C("joke", 1.2, 0.0),
    C("a joke", 2.0, 0.0), C("rubbish", 2.0, 0.0), C("garbage", 2.0, 0.0), C("trash", 1.5, 0.0),
    C("crap", 1.8, 0.0), C("crappy", 2.0, 0.0), C("sucks", 2.2, -0.5), C("suck", 1.5, -0.5),
    C("sucked", 1.8, 0.0), C("rip off", 2.5, 0.0), C("ripoff", 2.5, 0.0), C("ripped off", 2.5, 0.0),
    C("fed up", 2.5, 0.0), C("sick of", 2.5, 0.0), C("sick and tired", 2.8, 0.0),
    C("tired of", 2.0, 0.0), C("frustrat*", 2.0, 0.0), C("annoy*", 1.8, 0.0), C("angry", 2.0, 0.0),
    C("furious", 2.5, 0.0), C("livid", 2.5, 0.0), C("upset", 1.8, 0.0), C("disappoint*", 2.0, 0.0),
    C("dissatisfied", 2.2, 0.0), C("unhappy", 2.0, 0.0), C("hate", 1.8, 0.0), C("hated", 1.5, 0.0),
    C("poor", 1.5, 0.0), C("bad", 1.5, -0.5), C("worse", 2.0, 0.0), C("getting worse", 2.2, 0.0),
    C("mess", 1.5, 0.0), C("nightmare", 2.2, 0.0), C("inconvenien*", 1.5, 0.0),
    C("unreliable", 2.0, 0.0), C("waste", 1.8, 0.0), C("wasted", 1.8, 0.0), C("lied", 2.2, 0.0),
    C("lying", 2.0, 0.0), C("liar*", 2.2, 0.0), C("misleading", 2.0, 0.0),
    C("false advertising", 2.5, 0.0), C("unprofessional", 2.5, 0.0), C("lazy", 1.8, 0.0),
    C("clueless", 2.0, 0.0), C("nonsense", 2.0, 0.0), C("bs", 1.5, 0.0),
    C("embarrassing", 1.5, 0.0), C("shameful", 2.2, 0.0), C("shame", 1.2, 0.0),
    C("outrageous", 2.5, 0.0), C("unbelievable", 1.8, 0.0), C("uncalled for", 2.0, 0.0),
    C("i'm done", 1.0, 0.0), C("im done", 1.0, 0.0), C("throwing money", 1.5, 0.0),
    C("mad", 1.5, 0.0), C("heck", 0.6, 0.0), C("the heck", 1.0, 0.0), C("stutter*", 1.5, 0.0),

    /* what goes wrong */
    C("problem", 1.2, -0.8), C("problems", 1.2, -0.8), C("issue", 1.0, -0.5),
    C("issues", 1.0, -0.5), C("broken", 2.0, -0.5), C("broke", 1.2, 0.0),
    C("stopped working", 2.5, 0.0), C("stop working", 2.2, 0.0), C("keeps crashing", 2.5, 0.0),
    C("crash*", 1.8, 0.0), C("error", 1.5, 0.0), C("errors", 1.5, 0.0), C("fail*", 1.8, 0.0),
    C("glitch*", 1.5, 0.0), C("bug", 1.0, 0.0), C("bugs", 1.0, 0.0), C("buggy", 1.8, 0.0),
    C("freez*", 1.5, 0.0), C("frozen", 1.5, 0.0), C("slow", 1.5, -0.5), C("slower", 1.5, 0.0),
    C("so slow", 2.0, 0.0), C("lag", 1.0, 0.0), C("lagging", 1.2, 0.0), C("laggy", 1.2, 0.0),
    C("buffering", 1.5, 0.0), C("outage", 2.5, 0.0), C("outages", 2.5, 0.0), C("down", 0.6, 0.0),
    C("is down", 2.0, 0.0), C("are down", 2.0, 0.0), C("been down", 2.2, 0.0),
    C("went down", 1.8, 0.0), C("goes down", 1.8, 0.0), C("down again", 2.5, 0.0),
    C("dropped", 1.2, 0.0), C("dropping", 1.2, 0.0), C("dropped calls", 2.0, 0.0),
    C("keeps dropping", 2.2, 0.0), C("disconnect*", 1.5, 0.0), C("unable", 1.8, 0.0),
    C("impossible", 1.5, 0.0), C("stuck", 1.5, 0.0), C("locked out", 2.0, 0.0),
    C("locked", 1.0, 0.0), C("declined", 1.5, 0.0), C("rejected", 1.2, 0.0), C("denied", 1.5, 0.0),
    C("blocked", 1.0, 0.0), C("suspended", 1.5, 0.0), C("wrong", 1.5, 0.0),
    C("incorrect", 1.5, 0.0), C("mistake", 1.2, 0.0), C("confusing", 1.0, 0.0),
    C("missing", 1.8, 0.0), C("lost", 1.5, 0.0), C("damaged", 2.0, 0.0), C("defective", 2.2, 0.0),
    C("faulty", 2.0, 0.0), C("cracked", 1.5, 0.0), C("leaking", 1.5, 0.0), C("dead", 1.5, 0.0),
    C("died", 1.8, 0.0), C("late", 1.2, 0.0), C("delay", 1.2, 0.0), C("delayed", 1.5, 0.0),
    C("delays", 1.5, 0.0), C("cancelled", 1.2, 0.0), C("canceled", 1.2, 0.0), C("cancel", 0.8, 0.0),
    C("cancelling", 1.0, 0.0), C("canceling", 1.0, 0.0), C("stranded", 2.2, 0.0),
    C("overbooked", 2.0, 0.0), C("misplaced", 1.8, 0.0), C("stolen", 1.8, 0.0),
    C("expired", 0.8, 0.0), C("mold", 2.0, 0.0), C("mouldy", 2.0, 0.0), C("moldy", 2.0, 0.0),
    C("stale", 1.5, 0.0), C("undercooked", 1.8, 0.0), C("overcharg*", 2.2, 0.0),
    C("double charged", 2.5, 0.0), C("charged twice", 2.5, 0.0), C("charged me", 1.5, 0.0),
    C("charging me", 1.2, 0.0), C("debited", 0.8, 0.0), C("instead of", 0.6, 0.0),
    C("charged", 1.0, 0.0), C("charge", 0.5, 0.0), C("charges", 0.8, 0.0), C("fee", 0.6, 0.0),
    C("fees", 0.8, 0.0), C("hidden fees", 2.0, 0.0), C("hidden fee", 2.0, 0.0),
    C("refunds", 1.0, 0.0), C("money back", 1.5, 0.0), C("my money", 1.2, 0.0),
    C("scam*", 2.5, 0.0), C("fraud", 2.0, 0.0), C("fraudulent", 2.2, 0.0),
    C("unauthori*", 1.8, 0.0), C("hacked", 2.0, 0.0), C("stole", 1.8, 0.0), C("theft", 1.8, 0.0),
    C("rude", 2.2, 0.0), C("unhelpful", 2.2, 0.0), C("ignor*", 1.8, 0.0), C("runaround", 2.0, 0.0),
    C("run around", 1.8, 0.0), C("excuses", 1.8, 0.0), C("escalate", 1.5, 0.0),
    C("complaint", 1.8, 0.0), C("complain", 1.5, 0.0), C("complaining", 1.2, 0.0),
    C("formal complaint", 2.5, 0.0), C("supervisor", 0.8, 0.0), C("manager", 0.6, 0.0),
    C("customer service", 0.6, 0.0), C("emergency", 1.5, 0.0),

    /* asking for action, impatience */
    C("wtf", 1.8, 0.0), C("what the hell", 2.0, 0.0), C("what the fuck", 2.5, 0.0),
    C("seriously", 1.2, 0.0), C("come on", 1.5, 0.0), C("smh", 1.5, 0.0), C("ugh", 1.5, 0.0),
    C("ffs", 2.0, 0.0), C("fml", 1.5, 0.0), C("jeez", 1.0, 0.0), C("omg", 0.4, 0.0),
    C("srsly", 1.2, 0.0), C("why", 0.7, 0.7), C("this is why", -0.5, -0.5),
    C("that's why", -0.3, -0.3), C("thats why", -0.3, -0.3), C("why do i have", 1.5, 1.5),
    C("explain", 0.6, 0.6), C("what's going on", 1.5, 1.5), C("whats going on", 1.5, 1.5),
    C("what is going on", 1.5, 1.5), C("what happened", 1.0, 1.0), C("where is my", 1.5, 1.5),
    C("where's my", 1.5, 1.5), C("wheres my", 1.5, 1.5), C("when will", 0.5, 0.5),
    C("how long", 1.0, 1.0), C("how much longer", 1.8, 1.8), C("supposed to", 1.2, 1.2),
    C("should have", 0.8, 0.8), C("should've", 0.8, 0.8), C("promised", 1.2, 1.2),
    C("paid for", 1.2, 1.2), C("been trying", 1.5, 1.5), C("trying to", 0.6, 0.6),
    C("tried", 0.8, 0.8), C("i've tried", 1.0, 1.0), C("tried everything", 2.0, 2.0),
    C("please help", 0.8, 0.8), C("help me", 0.6, 0.6), C("need help", 0.6, 0.6),
    C("fix", 0.8, 0.8), C("fix this", 1.5, 1.5), C("fix it", 1.2, 1.2), C("please fix", 1.5, 1.5),
    C("sort it out", 1.5, 1.5), C("sort this out", 1.5, 1.5), C("asap", 1.0, 1.0),
    C("urgent", 1.5, 1.5), C("urgently", 1.5, 1.5), C("immediately", 1.0, 1.0),

    /* profanity */
    C("fuck", 2.0, 0.0), C("fucking", 2.0, 0.0), C("fucked", 2.2, 0.0), C("fuckin", 2.0, 0.0),
    C("shit", 1.8, 0.0), C("shitty", 2.2, 0.0), C("bullshit", 2.5, 0.0), C("damn", 1.2, 0.0),
    C("dammit", 1.5, 0.0), C("goddamn", 1.8, 0.0), C("hell", 1.0, 0.0), C("piss*", 2.0, 0.0),
    C("screwed", 1.8, 0.0), C("bloody", 1.0, 0.0), C("arse", 1.2, 0.0),

    /* emoji and emoticons */
    C("\xF0\x9F\x98\xA1", 2.0, 2.0), /* pouting face */
    C("\xF0\x9F\xA4\xAC", 2.2, 2.2), /* face with symbols on mouth */
    C("\xF0\x9F\x98\xA0", 2.0, 2.0), /* angry face */
    C("\xF0\x9F\x98\xA4", 1.5, 1.5), /* face with steam from nose */
    C("\xF0\x9F\x98\x92", 1.2, 1.2), /* unamused face */
    C("\xF0\x9F\x99\x84", 1.5, 1.5), /* face with rolling eyes */
    C("\xF0\x9F\x98\x91", 0.8, 0.8), /* expressionless face */
    C("\xF0\x9F\x98\xA9", 1.2, 1.2), /* weary face */
    C("\xF0\x9F\x98\xAB", 1.2, 1.2), /* tired face */
    C("\xF0\x9F\x98\xA2", 1.0, 1.0), /* crying face */
    C("\xF0\x9F\x98\xAD", 0.8, 0.8), /* loudly crying face */
    C("\xF0\x9F\x98\x9E", 1.0, 1.0), /* disappointed face */
    C("\xF0\x9F\x98\x94", 0.8, 0.8), /* pensive face */
    C("\xF0\x9F\x98\x95", 0.8, 0.8), /* confused face */
    C("\xF0\x9F\x99\x81", 1.0, 1.0), /* slightly frowning face */
    C("\xE2\x98\xB9", 1.0, 1.0),     /* frowning face */
    C("\xF0\x9F\x91\x8E", 1.8, 1.8), /* thumbs down */
    C("\xF0\x9F\x92\xA9", 1.5, 1.5), /* pile of poo */
    C("\xF0\x9F\xA4\xA6", 1.5, 1.5), /* face palm */
    C("\xF0\x9F\x98\x96", 1.2, 1.2), /* confounded face */
    C("\xF0\x9F\x98\xA3", 1.0, 1.0), /* persevering face */
    C(":(", 1.0, 1.0), C(":/", 0.8, 0.8),
    P("\xF0\x9F\x98\x8A", -1.2, -1.2), /* smiling face with smiling eyes */
    P("\xF0\x9F\x98\x80", -1.0, -1.0), /* grinning face */
    P("\xF0\x9F\x98\x83", -1.0, -1.0), /* grinning face with big eyes */
    P("\xF0\x9F\x98\x84", -1.0, -1.0), /* grinning face with smiling eyes */
    P("\xF0\x9F\x98\x81", -1.0, -1.0), /* beaming face */
    P("\xF0\x9F\x99\x82", -0.8, -0.8), /* slightly smiling face */
    P("\xF0\x9F\x98\x8D", -1.5, -1.5), /* heart eyes */
    P("\xF0\x9F\xA5\xB0", -1.5, -1.5), /* smiling face with hearts */
    P("\xE2\x9D\xA4", -1.5, -1.5),     /* red heart */
    P("\xF0\x9F\x92\x95", -1.5, -1.5), /* two hearts */
    P("\xF0\x9F\x92\x99", -1.2, -1.2), /* blue heart */
    P("\xF0\x9F\x92\x9C", -1.2, -1.2), /* purple heart */
    P("\xF0\x9F\x92\x9A", -1.2, -1.2), /* green heart */
    P("\xF0\x9F\x92\x9B", -1.2, -1.2), /* yellow heart */
    P("\xE2\x99\xA5", -1.2, -1.2),     /* heart suit */
    P("\xF0\x9F\x91\x8D", -1.0, -1.0), /* thumbs up */
    P("\xF0\x9F\x99\x8C", -1.2, -1.2), /* raising hands */
    P("\xF0\x9F\x91\x8F", -0.8, -0.8), /* clapping hands */
    P("\xF0\x9F\x8E\x89", -1.2, -1.2), /* party popper */
    P("\xF0\x9F\x92\xAF", -0.8, -0.8), /* hundred points */
    P("\xE2\xAD\x90", -0.8, -0.8),     /* star */
    P("\xF0\x9F\x8C\x9F", -0.8, -0.8), /* glowing star */
    P("\xF0\x9F\x98\x98", -1.2, -1.2), /* face blowing a kiss */
    P("\xF0\x9F\xA4\x97", -1.2, -1.2), /* hugging face */
    P(":)", -1.0, -1.0), P(":D", -1.2, -1.2), P(";)", -0.5, -0.5), P("<3", -1.5, -1.5),

    /* praise and resolution */
    P("thanks", -1.5, 0.3), P("thank", -1.2, 0.3), P("thank you", -1.8, 0.3), P("thx", -1.5, 0.3),
    P("ty", -1.0, 0.0), P("tysm", -2.0, 0.0), P("appreciate", -1.5, 1.0),
    P("appreciated", -1.5, 1.0), P("much appreciated", -2.0, 0.0), P("great", -1.2, 1.2),
    P("good", -0.8, 1.5), P("excellent", -1.8, 1.5), P("amazing", -1.8, 1.5),
    P("awesome", -1.8, 1.5), P("love", -1.5, 1.0), P("loved", -1.5, 1.0), P("loving", -1.5, 1.0),
    P("love it", -2.0, 1.0), P("love you", -2.0, 1.0), P("best", -1.0, 0.8),
    P("the best", -1.5, 0.8), P("perfect", -1.2, 0.5), P("wonderful", -1.8, 1.0),
    P("fantastic", -1.8, 1.0), P("brilliant", -1.8, 1.0), P("superb", -2.0, 1.0),
    P("outstanding", -2.0, 1.0), P("lovely", -1.5, 1.0), P("helpful", -1.5, 2.2),
    P("happy", -1.5, 2.2), P("satisfied", -1.2, 2.2), P("pleased", -1.2, 1.8), P("glad", -1.0, 1.2),
    P("quick", -0.6, 0.8), P("quickly", -0.6, 0.8), P("fast", -0.5, 0.8), P("easy", -0.6, 1.0),
    P("friendly", -1.2, 1.5), P("kind", -1.0, 0.5), P("polite", -1.0, 1.5),
    P("well done", -1.5, 0.0), P("great job", -1.8, 0.0), P("good job", -1.5, 0.0),
    P("nice job", -1.2, 0.0), P("keep it up", -1.5, 0.0), P("keep up the good", -2.0, 0.0),
    P("impressed", -1.5, 1.8), P("recommend", -0.8, 1.5), P("highly recommend", -1.8, 0.0),
    P("kudos", -1.5, 0.0), P("shoutout", -1.5, 0.0), P("shout out", -1.5, 0.0),
    P("cheers", -1.0, 0.0), P("congrats", -1.8, 0.0), P("congratulations", -1.8, 0.0),
    P("enjoy", -1.0, 0.8), P("enjoyed", -1.2, 0.8), P("enjoying", -1.2, 0.8), P("nice", -0.8, 1.0),
    P("cool", -0.5, 0.5), P("yay", -1.5, 0.0), P("rocks", -1.5, 0.0), P("you rock", -2.0, 0.0),
    P("made my day", -2.0, 0.0), P("hero", -1.2, 0.0), P("legend", -1.2, 0.0),
    P("all good", -1.8, 0.0), P("working again", -2.0, 0.0), P("works now", -1.8, 0.0),
    P("working now", -1.8, 0.0), P("back up", -1.0, 0.0), P("back online", -1.5, 0.0),
    P("all sorted", -1.5, 0.0), P("fixed", -1.5, 1.8), P("resolved", -1.5, 1.8),
    P("sorted", -1.0, 1.5), P("got it", -0.8, 0.0), P("figured it out", -1.5, 0.0),
    P("never mind", -1.0, -1.0), P("nevermind", -1.0, -1.0), P("no problem", -1.0, -1.0),
    P("no problems", -0.8, -0.8), P("no worries", -1.5, -1.5), P("no issues", -1.0, -1.0),
    P("no rush", -0.8, -0.8), P("super", -1.0, 0.5), P("glorious", -1.5, 0.5),
    P("exciting", -1.2, 0.5), P("excited", -1.5, 0.5), P("stoked", -1.5, 0.5),
    P("bliss", -1.5, 0.0), P("beautiful", -1.2, 0.5), P("gorgeous", -1.2, 0.5),
    P("delicious", -1.5, 1.0), P("yummy", -1.5, 0.5), P("tasty", -1.2, 0.5), P("proud", -1.2, 0.5),
    P("grateful", -1.8, 0.5), P("thankful", -1.8, 0.5), P("fab", -1.2, 0.0),
    P("fabulous", -1.8, 0.0), P("incredible", -1.5, 0.5), P("phenomenal", -1.8, 0.5),
    P("stellar", -1.8, 0.5), P("impeccable", -1.8, 0.5), P("seamless", -1.2, 0.8),
    P("flawless", -1.5, 0.8), P("so good", -1.5, 1.0), P("comfortable", -1.0, 1.0),
    P("comfy", -1.0, 0.5), P("haha", -0.3, 0.0), P("see you", -0.5, 0.0),
    P("can't wait", -1.5, -1.5), P("cant wait", -1.5, -1.5), P("neat", -0.5, 0.0),

    /* question forms: asking is not complaining */
    Q("how do i", -1.0), Q("how can i", -1.0), Q("how do you", -0.6), Q("how to", -0.6),
    Q("how does", -0.5), Q("can i", -0.5), Q("could i", -0.5), Q("can you tell", -0.6),
    Q("do you", -0.4), Q("do you have", -0.6), Q("does anyone", -0.3), Q("is there", -0.4),
    Q("is there a way", -0.8), Q("is it possible", -0.8), Q("what time", -0.6),
    Q("what is the", -0.4), Q("what are", -0.4), Q("where can i", -0.6), Q("when does", -0.4),
    Q("when do", -0.3), Q("wondering", -0.8), Q("i was wondering", -1.0), Q("quick question", -1.2),
    Q("question", -0.5), Q("questions", -0.4), Q("interested", -0.8), Q("looking for", -0.3),
    Q("want to know", -0.4), Q("would like to", -0.4), Q("planning", -0.5), Q("any plans", -0.8),
    Q("will there be", -0.6), Q("do you know", -0.5), Q("hi", -0.2), Q("hello", -0.2),
    Q("hey", -0.1),

    /* Spanish */
    C("pesimo", 2.5, 0.0), C("pesima", 2.5, 0.0), C("fatal", 1.5, 0.0), C("malo", 1.5, 0.0),
    C("mala", 1.5, 0.0), C("mal", 1.2, 0.0), C("queja", 2.0, 0.0), C("reclamo", 2.0, 0.0),
    C("reclamacion", 2.0, 0.0), C("problema", 1.2, -0.5), C("problemas", 1.2, -0.5),
    C("funciona", -0.3, 2.2), C("llegado", 0.0, 2.2), C("llego", 0.0, 2.2), C("llega", 0.0, 2.0),
    C("todavia", 1.0, 1.0), C("aun", 0.5, 0.5), C("estafa", 2.5, 0.0), C("verguenza", 2.2, 0.0),
    C("devolucion", 0.8, 0.8), C("reembolso", 1.0, 1.5), C("cobrado", 1.0, 0.0),
    C("cobro", 0.8, 0.0), C("esperando", 1.2, 1.2), C("retraso", 1.5, 0.0),
    C("cancelado", 1.2, 0.0), C("roto", 1.8, 0.0), C("perdido", 1.5, 0.0), C("respuesta", 0.3, 2.0),
    C("responde", 0.3, 2.0), C("servicio", 0.2, 1.8), C("senal", 0.5, 2.0), C("ayuda", 0.4, 1.5),
    P("gracias", -1.5, 0.3), P("muchas gracias", -2.0, 0.0), P("excelente", -1.8, 1.0),
    P("genial", -1.5, 0.5),
    /* French */
    C("nul", 2.0, 0.0), C("nulle", 2.0, 0.0), C("honte", 2.0, 0.0), C("inadmissible", 2.5, 0.0),
    C("scandaleux", 2.5, 0.0), C("scandale", 2.5, 0.0), C("inacceptable", 2.8, 0.0),
    C("probleme", 1.2, -0.5), C("problemes", 1.2, -0.5), C("marche", 0.0, 2.0),
    C("fonctionne", 0.0, 2.2), C("recu", 0.0, 2.0), C("livre", 0.0, 2.0), C("toujours", 0.8, 0.8),
    C("toujours pas", 2.0, 2.0), C("encore", 0.8, 0.8), C("attente", 1.0, 1.0),
    C("attends", 1.0, 1.0), C("retard", 1.5, 0.0), C("annule", 1.2, 0.0), C("panne", 2.2, 0.0),
    C("arnaque", 2.5, 0.0), C("rembourse", 1.0, 1.5), C("remboursement", 1.0, 1.5),
    C("reclamation", 2.0, 0.0), C("plainte", 2.0, 0.0), C("colere", 2.0, 0.0), C("decu", 2.0, 0.0),
    C("decue", 2.0, 0.0), C("reponse", 0.3, 2.0), C("repond", 0.3, 2.0), P("merci", -1.5, 0.3),
    P("merci beaucoup", -2.0, 0.0),
    /* German */
    C("schlecht", 1.8, -0.5), C("katastrophe", 2.2, 0.0), C("katastrophal", 2.5, 0.0),
    C("unverschamt", 2.5, 0.0), C("frechheit", 2.5, 0.0), C("argerlich", 2.0, 0.0),
    C("enttauscht", 2.0, 0.0), C("storung", 2.2, 0.0), C("ausfall", 2.0, 0.0),
    C("funktioniert", 0.0, 2.2), C("angekommen", 0.0, 2.2), C("geliefert", 0.0, 2.0),
    C("erhalten", 0.0, 2.0), C("immer noch", 1.5, 1.5), C("schon wieder", 2.0, 2.0),
    C("wieder", 0.8, 0.8), C("noch", 0.3, 0.3), C("beschwerde", 2.0, 0.0), C("betrug", 2.5, 0.0),
    C("warte", 1.0, 1.0), C("warten", 1.0, 1.0), C("verspatung", 1.5, 0.0), C("kaputt", 2.0, 0.0),
    C("antwort", 0.3, 2.0), C("erreichbar", 0.0, 2.0), C("geld zuruck", 1.5, 1.5),
    P("danke", -1.5, 0.3), P("vielen dank", -2.0, 0.0), P("toll", -1.2, 1.0),
    /* Portuguese */
    C("pessimo", 2.5, 0.0), C("pessima", 2.5, 0.0), C("horrivel", 2.2, 0.0), C("absurdo", 2.2, 0.0),
    C("reclamacao", 2.0, 0.0), C("chegou", 0.0, 2.2), C("entregue", 0.0, 2.0),
    C("recebi", 0.0, 2.0), C("ainda", 0.8, 0.8), C("de novo", 1.2, 1.2), C("novamente", 1.0, 1.0),
    C("golpe", 2.0, 0.0), C("cobranca", 1.0, 0.0), C("atraso", 1.5, 0.0), C("atrasado", 1.5, 0.0),
    C("quebrado", 1.8, 0.0), C("resposta", 0.3, 2.0), C("descaso", 2.2, 0.0),
    C("vergonha", 2.0, 0.0), C("aguardando", 1.2, 1.2), P("obrigado", -1.5, 0.3),
    P("obrigada", -1.5, 0.3),
};
const size_t cl_complaint_nterms = COUNT(cl_complaint_terms);

/* Sentiment valences, -3..3 (VADER's scale). Negation and sarcasm are
 * applied in lexpass.c. */
#define V(t, v) {t, v, 0, 0}

const cl_term_t cl_polarity_terms[] = {
    V("great", 2.5), V("good", 1.8), V("love", 2.8), V("loved", 2.8), V("loving", 2.6),
    V("amazing", 2.8), V("awesome", 2.8), V("excellent", 2.8), V("thanks", 1.8), V("thank", 1.5),
    V("thank you", 2.0), V("thx", 1.6), V("appreciate", 2.0), V("appreciated", 2.0),
    V("happy", 2.2), V("helpful", 1.8), V("best", 2.5), V("perfect", 2.5), V("wonderful", 2.7),
    V("fantastic", 2.7), V("brilliant", 2.5), V("superb", 2.8), V("outstanding", 2.8),
    V("lovely", 2.5), V("nice", 1.8), V("glad", 1.8), V("pleased", 2.0), V("satisfied", 1.8),
    V("resolved", 1.5), V("fixed", 1.2), V("sorted", 1.0), V("quick", 1.0), V("quickly", 0.8),
    V("fast", 1.0), V("easy", 1.5), V("friendly", 2.0), V("kind", 1.8), V("polite", 1.5),
    V("recommend", 1.5), V("impressed", 2.2), V("enjoy", 2.0), V("enjoyed", 2.0), V("fun", 2.0),
    V("cool", 1.3), V("yay", 2.0), V("hope", 1.0), V("please", 0.3), V("welcome", 1.5),
    V("smooth", 1.2), V("works", 1.0), V("working", 0.8), V("kudos", 2.0), V("congrats", 2.2),
    V("congratulations", 2.2), V("super", 2.0), V("well done", 2.2), V("all good", 1.5),
    V("cheers", 1.5), V("reliable", 1.5), V("glorious", 2.5), V("exciting", 2.0), V("excited", 2.2),
    V("stoked", 2.2), V("bliss", 2.5), V("beautiful", 2.5), V("gorgeous", 2.5), V("delicious", 2.5),
    V("yummy", 2.2), V("tasty", 2.0), V("proud", 2.0), V("grateful", 2.3), V("thankful", 2.3),
    V("fab", 2.0), V("fabulous", 2.5), V("incredible", 2.3), V("phenomenal", 2.8),
    V("stellar", 2.5), V("impeccable", 2.5), V("seamless", 1.8), V("flawless", 2.3),
    V("comfortable", 1.5), V("mad", -2.0),
    V("shoutout", 2.0), V("shout out", 2.0), V("arrived", 1.0),
    V("received", 0.8), V("delivered", 1.0), V("responding", 0.8), V("refund", -0.5),
    V("waiting", -0.8), V("still waiting", -1.5), V("charged twice", -2.0),
    V("double charged", -2.0), V("hung up", -2.0), V("on hold", -1.0), V("crash*", -1.8),
    V("hacked", -2.5), V("cracked", -1.5), V("fit", 0.8), V("data breach", -2.5),
    V("fire", -1.0), V("lawyer", -1.0), V("overcharg*", -2.2), V("stranded", -2.5), V("unanswered", -1.5), V("uncalled for", -2.0),
    V("can't wait", 2.0), V("bad", -2.5), V("worst", -3.1), V("terrible", -3.0),
    V("horrible", -3.0), V("awful", -3.0), V("atrocious", -3.0), V("horrendous", -3.0),
    V("abysmal", -3.0), V("hate", -3.0), V("poor", -2.0), V("slow", -1.5), V("broken", -2.0),
    V("useless", -2.5), V("pathetic", -2.8), V("ridiculous", -2.5), V("unacceptable", -2.8),
    V("disgusting", -3.0), V("disgrace", -2.8), V("appalling", -3.0), V("angry", -2.5),
    V("furious", -3.0), V("annoyed", -2.0), V("annoying", -2.2), V("frustrated", -2.3),
    V("frustrating", -2.3), V("disappointed", -2.3), V("disappointing", -2.3), V("upset", -2.2),
    V("sad", -2.0), V("rude", -2.3), V("unhelpful", -2.3), V("incompetent", -2.8),
    V("problem", -1.5), V("problems", -1.5), V("issue", -1.0), V("issues", -1.0), V("error", -1.5),
    V("fail", -2.0), V("failed", -2.0), V("wrong", -1.8), V("late", -1.2), V("delayed", -1.5),
    V("missing", -1.5), V("lost", -1.5), V("damaged", -2.0), V("cancelled", -1.0), V("worse", -2.5),
    V("sucks", -2.5), V("crap", -2.5), V("shit", -2.5), V("shitty", -2.8), V("fuck", -2.5),
    V("fucking", -2.5), V("damn", -1.8), V("wtf", -2.3), V("ugh", -1.8), V("joke", -1.5),
    V("scam", -3.0), V("fraud", -2.8), V("unhappy", -2.5), V("dissatisfied", -2.5),
    V("ignored", -2.0), V("outage", -2.0), V("stuck", -1.5), V("sick", -1.8), V("hurt", -2.0),
    V("dangerous", -2.5), V("unfortunately", -1.2), V("nightmare", -2.8), V("mess", -1.8),
    V("rubbish", -2.5), V("garbage", -2.5), V("trash", -2.2), V("waste", -2.0), V("fed up", -2.5),
    V("sick of", -2.5), V("unreliable", -2.0), V("shame", -2.0), V("lied", -2.5),
    V("outrageous", -2.8), V("smh", -1.5), V("ffs", -2.2), V("bullshit", -2.8),
    V("\xF0\x9F\x98\xA1", -3.0), V("\xF0\x9F\xA4\xAC", -3.0), V("\xF0\x9F\x98\xA0", -2.5),
    V("\xF0\x9F\x98\xA4", -2.0), V("\xF0\x9F\x98\xA2", -2.0), V("\xF0\x9F\x98\xAD", -2.0),
    V("\xF0\x9F\x98\x9E", -2.0), V("\xF0\x9F\x98\x94", -1.8), V("\xF0\x9F\x98\xA9", -2.0),
    V("\xF0\x9F\x98\xAB", -2.0), V("\xF0\x9F\x98\x92", -1.8), V("\xF0\x9F\x99\x84", -1.5),
    V("\xF0\x9F\x91\x8E", -2.0), V("\xF0\x9F\x92\xA9", -2.0), V("\xF0\x9F\x98\x95", -1.5),
    V("\xF0\x9F\x99\x81", -1.8), V("\xE2\x98\xB9", -2.0), V(":(", -1.8), V(":/", -1.0),
    V("\xF0\x9F\x98\x8A", 2.0), V("\xF0\x9F\x98\x80", 2.0), V("\xF0\x9F\x98\x83", 2.0),
    V("\xF0\x9F\x98\x84", 2.0), V("\xF0\x9F\x98\x81", 2.0), V("\xF0\x9F\x99\x82", 1.5),
    V("\xF0\x9F\x98\x8D", 3.0), V("\xF0\x9F\xA5\xB0", 3.0), V("\xE2\x9D\xA4", 2.5),
    V("\xF0\x9F\x92\x95", 2.5), V("\xF0\x9F\x92\x99", 2.0), V("\xF0\x9F\x91\x8D", 1.8),
    V("\xF0\x9F\x99\x8C", 2.0), V("\xF0\x9F\x91\x8F", 1.5), V("\xF0\x9F\x8E\x89", 2.0),
    V("\xF0\x9F\x99\x8F", 0.8), V("\xF0\x9F\x92\xAF", 1.5), V("\xE2\xAD\x90", 1.5), V(":)", 1.8),
    V(":D", 2.0), V(";)", 1.0), V("<3", 2.5),
    /* es, fr, de, pt */
    V("gracias", 1.8), V("merci", 1.8), V("danke", 1.8), V("obrigado", 1.8), V("obrigada", 1.8),
    V("excelente", 2.8), V("genial", 2.5), V("toll", 2.2), V("mal", -2.0), V("malo", -2.0),
    V("pesimo", -3.0), V("pessimo", -3.0), V("nul", -2.5), V("honte", -2.5), V("schlecht", -2.2),
    V("katastrophe", -2.8), V("horrivel", -3.0), V("absurdo", -2.0), V("verguenza", -2.5),
    V("vergonha", -2.5), V("decu", -2.3), V("enttauscht", -2.3),
};
const size_t cl_polarity_nterms = COUNT(cl_polarity_terms);
/* clang-format on */
