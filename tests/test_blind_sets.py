"""Blind sets B to AQ: questions and club-style write-ups, each written by a
different person who saw only the archive's text (never the code or the gate).
These bounds are the figures each set reached, so that a later change cannot make
them worse unnoticed (set A, tuned on from the start, has `test_blind.py`).

- **B** was untouched until one round of answering work was done, then scored once
  (French hit@1 0.91, English 0.72 as it came out) and studied.
- **C** was written for the next round and tuned on: the English glosses, the light
  verbs and the practical words were measured on it.
- **D** was kept untouched through that round, then scored once. As it came out:
  French hit@1 0.75 (5 refused), English 0.69 (8 refused), 4 of 14 off-topic
  questions answered. Its misses showed what the other sets had not (hyphenated
  words, the field's abbreviations, "last night" read as "the last session"); the
  general fixes they pointed to are in, and it is now a tuning set like the others.
- **E** was written for the round after, scored once on the code as it stood (French
  hit@1 0.79, English 0.73, 5 of 14 off-topic questions answered), then tuned on.
- **F** was kept untouched through that round, then scored once: French hit@1 0.75
  (6 refused), English 0.81 (5 refused), 6 of 14 off-topic questions answered. Its
  misses (French typed without accents read as English, chat shorthand, "clubs" read
  as the club's own word) pointed to general fixes, now in.
- **G** and **H** were written for the round after, scored once on the code as it
  stood (G: French hit@1 0.92, English 0.88, 4 of 14 off-topic questions answered;
  H: French 0.88, English 0.92, 6 of 14 answered), then tuned on: their off-topic
  questions answered from a session sharing only general words ("is bereal worth it
  for brands") led to the gate's rule for a subject the archive lacks.
- **I** was kept untouched through that round, then scored once: French hit@1 0.96
  (none refused), English 0.73 (5 refused), 3 of 14 off-topic questions answered.
- **J** was written for the round after, scored once on the code as it stood (French
  hit@1 0.92, English 0.88, 4 of 14 off-topic questions answered), then tuned on.
- **K** was kept untouched through that round, then scored once: French hit@1 1.00
  (none refused), English 0.85 (4 refused), 3 of 14 off-topic questions answered; the
  same as the code before the round.
- **L** was written for the round after and scored once on the code as it stood:
  French hit@1 0.96 (1 refused), English 0.88 (2 refused), 4 of 14 off-topic questions
  answered; with the two models' agreement and dissent (measured on A–K first) French
  1.00, English 0.96, none refused, 4 of 14 off-topic answered as before. It is now
  tuned on.
- **M** was kept untouched through that round, then scored once: French hit@1 0.92
  (none refused), English 0.85 (3 refused), 2 of 14 off-topic questions answered
  (the code before the round: French 0.88, the rest the same). A word typed without
  its accents now weighs as the word meant: "crise sur les reseaux sociaux, quelles
  sessions du club ?" is refused since, as it is with the accents (G's "quels
  logiciels pour ecouter…" likewise).
- **N** was written for the round after and scored once on the code as it stood:
  French hit@1 0.88 (1 refused), English 0.85 (none refused), 3 of 14 off-topic
  questions answered; then tuned on.
- **O** was kept untouched through that round, then scored once: French hit@1 0.96
  (1 refused), English 0.81 (4 refused), 4 of 14 off-topic questions answered; the
  same as the code before the round.
- **P** was written for the round after and scored once on the code as it stood:
  French hit@1 0.92 (2 refused), English 0.85 (3 refused), 6 of 14 off-topic
  questions answered (four of them from one session on dating apps, matched on words
  it holds in passing: "foot" in its English gloss, "publicité sur Facebook"); then
  tuned on ("la St Valentin" now finds its session; Apertium's words where FreeDict
  has none, English 0.85 → 0.92).
- **Q** was written with P and scored once, untouched, on the round's first answering
  change: French hit@1 0.88 (2 refused), English 0.85 (3 refused), 5 of 14 off-topic
  questions answered (the same as the code before the round); then tuned on.
- **S** was written during that round and scored once on the code at its start:
  French hit@1 0.96 (1 refused), English 0.88 (3 refused), 4 of 14 off-topic
  questions answered; then tuned on.
- **R** was written with S and kept untouched until the round's answering work was
  done, then scored once: French hit@1 0.92 (2 refused), English 0.85 (4 refused),
  1 of 14 off-topic questions answered (the code before the round: the same, with 2
  answered); then its misses were studied ("quelles sessions ont parlé de youtube ?"
  is answered since).
- **U** was written after R was scored and scored once on the code as it then stood:
  French hit@1 0.92 (1 refused), English 0.92 (1 refused), 1 of 14 off-topic
  questions answered; one change was tried on it (cognates), which changed nothing.
- **T**, written with U, was kept untouched until the round's work was done, then
  scored once: French hit@1 0.92 (1 refused), English 0.92 (2 refused), 2 of 14
  off-topic questions answered (the code before the round: the same, with 3).
- **W** and **X** were written for the round after and scored once on the code as it
  stood (W: French hit@1 1.00, English 0.88 (3 refused), 6 of 14 off-topic questions
  answered; X: French 0.96 (1 refused), English 0.85 (4 refused), 6 of 14 answered),
  then tuned on. Their writers were asked for near misses (a subject a write-up names in passing);
  X's write-ups say so in words ("sans s'y attarder"), which the search now reads.
- **V**, written with W and X, was kept untouched until the round's work was done,
  then scored once: French hit@1 1.00 (none refused), English 0.88 (2 refused), 5 of
  14 off-topic questions answered (the code before the round: the same, with 7).
- **Y** was written for the round after and scored once on the code as it stood
  (French hit@1 1.00, English 0.88 (2 refused), 6 of 14 off-topic questions
  answered), then tuned on. Its writer, and Z's, were asked to name subjects in
  passing as real write-ups do, in a clause, not with a remark that a subject was not
  discussed.
- **Z**, written with Y, was kept untouched until the round's work was done, then
  scored once: French hit@1 0.92 (1 refused), English 0.96 (1 refused), 5 of 14
  off-topic questions answered (the code before the round: the same); then studied
  ("vous vous réunissez où à Paris ?" is now answered with where to find that).
- In that round E lost one French answer ("rumeur du van qui kidnappe des gosses…":
  "kidnappe", its rarest word, is not in the archive) for four off-topic questions
  refused elsewhere (M, Q, S, T), and its bound moved with it.
- **AC** was written for the round after and scored once on the code as it stood
  (French hit@1 1.00, English 0.88 (2 refused), 4 of 14 off-topic questions
  answered), then tuned on. **AA** had the same themes, by another writer (French
  1.00, English 0.96 (1 refused), 6 of 14 answered at the start). Their near misses
  asking what a law or scheme provides ("la loi de 1905 dit quoi…", "on peut payer son
  permis avec le CPF ?") are refused since, as are such questions in V to Z.
- **AB**, written with them on other themes, was kept untouched until the round's work
  was done, then scored once: French hit@1 0.92 (2 refused), English 0.96 (1
  refused), 6 of 14 off-topic questions answered: the same as the code before the
  round. Its practical near misses were phrased in ways the round's rule did not read
  ("comment obtenir le label…", "c'est combien pour un collégien ?", "what's the ESSOC
  law about"); after the round's review of the rule (variants suggested by a reader who
  had not seen AB, and a trailing "about" that AB's phrasing showed), two of them are
  refused since, as is its "la fermeture du réseau cuivre c'est pour quand exactement"
  once the rule also read questions on facts of the world beyond the sessions (when
  something will happen, the best time to post).
- **AD** was written during that round and kept untouched until its work was done,
  then scored once: French hit@1 0.92 (2 refused), English 0.92 (1 refused), 4 of 14
  off-topic questions answered (the code before the round: French 0.96 (1 refused), 5
  answered). The rule then also read "who won …" as news; AD's "qui a gagné le tournoi
  de tetris à la médiathèque ?" (a session's own contest) was refused by it, and it
  was dropped.
- **AE** was written for the round after and kept untouched until the round's first
  changes were done (the multilingual model choosing between sessions sharing as many
  words, the practical rule's French forms, then also "l'ISS" read as an acronym, since
  dropped: "l'URSSAF" and "l'ADEME" are subjects), then scored once:
  French hit@1 1.00 (none refused), English 0.92 (2 refused), 8 of 14 off-topic
  questions answered, citation precision 0.86 (the code before the round: the same).
  Studied after: a listing of a period's sessions now says nothing when the topic
  named is one the archive lacks ("what was said at the session about the 2024 olympic
  torch relay?" listed the one session of 2024), "qu'est-ce qu'a raconté <someone>"
  asks for a speaker as "qu'a dit" does, and "who won" a competition of a given year is
  the news; a practical question is about the law or scheme it names, not whom it is
  for ("le pass culture ça marche comment pour les ados" was answered from the session
  on teenagers); 4 of 14 answered since. A scheme named with a capital ("… du Pass
  Culture, partagent dans le salon…") is no longer read as a speaker. (With a first
  reading of the words naming a scheme, W's "montant du bonus reparation pour un lave
  linge ?" was answered for a while; read up to what the question asks of the scheme,
  it is refused again.)
- **AF** was written with AE, on new themes, and scored once on the code
  as it stood (French hit@1 0.96, English 0.77 (5 refused), 3 of 14 off-topic
  questions answered), then tuned on: the multilingual model now chooses between two
  sessions sharing as many of the question's words ("combien le musée a récolté avec
  ses NFT ?": the write-up says "jetons"), and the rule on practical questions reads
  "la loi …, ça change quoi ?" as it read the English form. ("comment marche une
  rupture conventionnelle collective" was refused for a while, by a French form of
  "how does … work?" that also refused what a speaker told of their own work,
  "comment fonctionne la cuisine centrale ?"; it now asks for a law or a scheme.) Its
  English refusals are words no dictionary here bridges ("cheesemaker" for
  "fromagère", "scooter" for "trottinette").
- **AG** was written during that round and kept untouched until its work was done,
  then scored once: French hit@1 0.96 (none refused), English 0.92 (2 refused), 5 of
  14 off-topic questions answered, citation precision 0.89: the same as the code
  before the round. Its off-topic answers are near misses on a scheme's amount asked
  the other way round ("le pass culture ça donne combien aux jeunes ?"), a passenger's
  rights under EU rules, the date of an event named in passing, a session that never
  happened, and the money newspapers make from Google. Studied after: the pass's
  amount asked that way round, and "c'est quand … cette année" of an event, are read
  as practical questions since; and "Pass Culture, se sont écoulées…" is no speaker.
- **AH** was written after AG was scored, and scored once on the code as it then stood
  (French hit@1 0.92 (2 refused), English 0.92 (2 refused), 5 of 14 off-topic
  questions answered), then tuned on: a session looking back on a season of a year
  ("à l'été 2022", months later) is found as one looking back on a year is, and "how
  does … work?" is practical only of a law or a scheme ("how does ordering fish from
  the Loctudy coop work?" asks what a speaker told of their own); "what fines does the
  … law set", "la ligne 3 du tram ouvre quand ?" are practical.
- **AI**, written with AH, was kept untouched until the round's work was done (two
  reviews' mends included), then scored once: French hit@1 1.00 (none refused),
  English 0.73 (6 refused, 1 answered from the wrong session), 3 of 14 off-topic
  questions answered, citation precision 0.92: the same as the code before the round.
  Its English refusals are paraphrases sharing few words with the French text ("the
  wind turbine fight" for "les éoliennes", "the ski resort cams" for "les webcams",
  "the fake paper" for a forged exam subject).
- **AJ** was written for the round after and scored once on the code as it stood
  (French hit@1 1.00 (none refused), English 0.92 (1 refused, 1 answered from the
  wrong session), 6 of 14 off-topic questions answered, citation precision 0.86),
  then tuned on: how to join the club and what it costs ("comment on adhère au club ?
  c'est payant ?", matched on an astronomy club's own members) and where the club holds
  its meetups are said to be on the club's site; "best time of day to post" and "comment
  marche le reste à charge du CPF" are practical questions; 2 of 14 answered since.
  "who hosted the … talk" asks for a session's people (AG's lighthouse question is
  answered since).
- **AK**, written with AJ, was kept untouched until the round's work was done, then
  scored once: French hit@1 0.92 (2 refused), English 0.85 (2 refused, 2 answered from
  the wrong session), 1 of 14 off-topic questions answered, citation precision 0.94
  (the code before the round: French 0.96, 1 refused, 2 of 14 answered; its French
  answer came from reading the tool library "la Clé de Douze, recyclerie…" as a
  person, which it no longer is).
- **AL** was written for the round after and scored once on the code as it stood
  (French hit@1 0.96 (1 refused), English 0.85 (4 refused), 8 of 14 off-topic
  questions answered, citation precision 0.85), then tuned on: a time of day typed as
  the archive never writes it ("le bulletin de 18h", written "18 h") dates the
  question; "que change la loi …", "what exactly does the … law require", "who
  invented …" are practical questions; and across all sets, a price is answered only
  by a session that gives an amount of money, and questions of world facts (which law,
  a procedure, what a law forces on others) only by a session about their subject.
  5 of 14 off-topic questions answered since.
- **AM**, written with AL, was kept untouched until the round's work was done (the
  review's mends included), then scored once: French hit@1 0.96 (1 refused), English
  0.85 (3 refused, 1 answered from the wrong session), 8 of 14 off-topic questions
  answered, citation precision 0.83: the same as the code before the round. Four of
  its off-topic answers ask an amount a session gives for something else (an insurer's
  payout, a player's pay, a ticket price rise, a repair bonus).
- **AN** was written for the round after and scored once on the code as it stood
  (French hit@1 1.00, English 0.81 (4 refused), 4 of 14 off-topic questions answered,
  citation precision 0.90), then tuned on: a session alone in the period asked is
  weighed by the multilingual model against the archive's other sessions; whether
  something is legal is answered only by a session discussing the law; a session
  naming the subject only in a sentence saying it was not taken up does not answer;
  "where do you guys meet?", "under the Montreal convention". English 0.85 (3 refused)
  and 1 of 14 off-topic questions answered since.
- **AO**, written with AN, was kept untouched until the round's work was done, then
  scored once: French hit@1 1.00 (none refused), English 0.88 (2 refused, 1 answered
  from the wrong session), 3 of 14 off-topic questions answered, citation precision
  0.92 (the code before the round: the same but 4 off-topic questions answered,
  precision 0.90). Studied since: "where do you guys hold the meetups in Paris?" asks
  where the club meets.
- **AP** was written for the round after and scored once on the code as it stood
  (French hit@1 0.96, English 0.88 (1 refused), 8 of 14 off-topic questions answered,
  citation precision 0.80), then tuned on: an amount answers a price question only when
  stated of the thing asked; a record only when the write-up states one; a speaker
  guessed from a description only when the search finds their session; "the winter 2021
  session" is the winter holding it; a session sharing only general words and no
  passage close in meaning is no answer. French 1.00, English 0.88 (1 refused: "how much
  did that antique chest of drawers sell for…", whose "commode" no bridge reaches), 4 of
  14 off-topic questions answered, precision 0.87 since. In that round AK's one wrong
  English answer ("why don't they record the post-screening discussions?") became a
  refusal, and its bound moved with it; the bounds of V, AD, AH and AM, whose
  off-topic questions asking an amount of another thing are refused since, tightened.
- **AQ**, written with AP, was kept untouched until the round's work was done, then
  scored once: French hit@1 0.92 (none refused, 2 answered from the wrong session),
  English 0.88 (3 refused), 6 of 14 off-topic questions answered, citation precision
  0.84: the same as the code before the round. Studied since: "what price was a
  baguette…" asks a price, which the bakery's write-up does not give (one more
  off-topic question refused).
"""

from pathlib import Path

import pytest

from smcbot.answering import Answerer
from smcbot.evaluation import evaluate_file
from smcbot.index import load_index
from smcbot.settings import RetrievalSettings

DATA = Path(__file__).resolve().parent / "data"

# set → language → (hit@1 at least, false refusals at most, off-topic answered at most),
# and the citation precision of the whole set.
BOUNDS = {
    "setB": {"fr": (0.95, 0, 0), "en": (0.8, 3, 0), "citation_precision": 0.97},
    "setC": {"fr": (1.0, 0, 0), "en": (0.96, 1, 2), "citation_precision": 0.92},
    "setD": {"fr": (1.0, 0, 2), "en": (0.84, 3, 0), "citation_precision": 0.94},
    "setE": {"fr": (0.87, 1, 0), "en": (0.8, 2, 0), "citation_precision": 0.91},
    "setF": {"fr": (0.87, 3, 0), "en": (1.0, 0, 1), "citation_precision": 0.97},
    "setG": {"fr": (0.95, 1, 0), "en": (0.88, 2, 0), "citation_precision": 1.0},
    "setH": {"fr": (0.95, 1, 2), "en": (0.96, 1, 1), "citation_precision": 0.92},
    "setI": {"fr": (1.0, 0, 0), "en": (0.8, 4, 0), "citation_precision": 0.97},
    "setJ": {"fr": (1.0, 0, 1), "en": (0.92, 2, 1), "citation_precision": 0.94},
    "setK": {"fr": (1.0, 0, 0), "en": (0.96, 1, 0), "citation_precision": 1.0},
    "setL": {"fr": (1.0, 0, 1), "en": (0.96, 0, 0), "citation_precision": 0.96},
    "setM": {"fr": (0.87, 2, 0), "en": (0.88, 2, 1), "citation_precision": 0.93},
    "setN": {"fr": (0.87, 1, 0), "en": (0.84, 0, 2), "citation_precision": 0.84},
    "setO": {"fr": (0.95, 1, 1), "en": (0.8, 4, 1), "citation_precision": 0.95},
    "setP": {"fr": (0.95, 1, 0), "en": (0.92, 1, 3), "citation_precision": 0.92},
    "setQ": {"fr": (0.87, 2, 0), "en": (0.92, 1, 1), "citation_precision": 0.97},
    "setR": {"fr": (0.95, 1, 0), "en": (0.84, 4, 0), "citation_precision": 1.0},
    "setS": {"fr": (0.95, 1, 1), "en": (0.92, 2, 1), "citation_precision": 0.95},
    "setT": {"fr": (0.91, 1, 1), "en": (0.92, 2, 0), "citation_precision": 0.95},
    "setU": {"fr": (0.91, 1, 0), "en": (0.92, 1, 1), "citation_precision": 0.94},
    "setV": {"fr": (1.0, 0, 1), "en": (0.88, 2, 1), "citation_precision": 0.92},
    "setW": {"fr": (1.0, 0, 1), "en": (0.92, 2, 1), "citation_precision": 0.94},
    "setX": {"fr": (1.0, 0, 0), "en": (0.84, 4, 1), "citation_precision": 0.97},
    "setY": {"fr": (1.0, 0, 0), "en": (0.92, 1, 2), "citation_precision": 0.96},
    "setZ": {"fr": (0.95, 0, 2), "en": (0.96, 1, 0), "citation_precision": 0.92},
    "setAA": {"fr": (1.0, 0, 0), "en": (0.96, 1, 0), "citation_precision": 1.0},
    "setAB": {"fr": (0.91, 2, 0), "en": (0.96, 1, 2), "citation_precision": 0.95},
    "setAC": {"fr": (1.0, 0, 1), "en": (0.88, 2, 0), "citation_precision": 0.95},
    "setAD": {"fr": (0.95, 1, 0), "en": (0.96, 1, 0), "citation_precision": 1.0},
    "setAE": {"fr": (1.0, 0, 0), "en": (0.92, 2, 0), "citation_precision": 1.0},
    "setAF": {"fr": (1.0, 0, 1), "en": (0.76, 5, 0), "citation_precision": 0.95},
    "setAG": {"fr": (0.95, 0, 1), "en": (0.96, 1, 1), "citation_precision": 0.94},
    "setAH": {"fr": (0.95, 1, 0), "en": (0.96, 1, 1), "citation_precision": 0.97},
    "setAI": {"fr": (1.0, 0, 1), "en": (0.73, 6, 1), "citation_precision": 0.93},
    "setAJ": {"fr": (1.0, 0, 1), "en": (0.92, 1, 1), "citation_precision": 0.92},
    "setAK": {"fr": (0.91, 2, 0), "en": (0.84, 3, 1), "citation_precision": 0.95},
    "setAL": {"fr": (1.0, 0, 3), "en": (0.84, 4, 2), "citation_precision": 0.9},
    "setAM": {"fr": (0.95, 1, 2), "en": (0.84, 3, 2), "citation_precision": 0.9},
    "setAN": {"fr": (1.0, 0, 1), "en": (0.84, 3, 0), "citation_precision": 0.95},
    "setAO": {"fr": (1.0, 0, 1), "en": (0.88, 2, 1), "citation_precision": 0.94},
    "setAP": {"fr": (1.0, 0, 2), "en": (0.88, 1, 2), "citation_precision": 0.87},
    "setAQ": {"fr": (0.91, 0, 2), "en": (0.88, 3, 3), "citation_precision": 0.85},
}


@pytest.fixture(scope="module", params=sorted(BOUNDS))
def scored(request, blind_set_index, real_embedder):
    """(set name, its eval report) for each blind set, with the default settings."""
    index = load_index(blind_set_index(request.param), model=real_embedder.name)
    answerer = Answerer(index, real_embedder, RetrievalSettings())
    report = evaluate_file(DATA / request.param / "questions.jsonl", answerer)
    return request.param, report


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_language_holds_its_figures(scored, language):
    name, report = scored
    hit, refusals, false_answers = BOUNDS[name][language]
    figures = report["metrics"]["by_language"][language]
    assert figures["hit@1"] >= hit - 1e-9, name
    assert figures["false_refusals"] <= refusals, name
    assert figures["false_answers"] <= false_answers, name


def test_citations_hold_their_precision(scored):
    name, report = scored
    assert report["metrics"]["citation_precision"] >= BOUNDS[name]["citation_precision"] - 1e-9, name
