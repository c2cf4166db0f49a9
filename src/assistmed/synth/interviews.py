"""A synthetic interview coding grid for the bundled example (Pays de la Loire).

Nine invented interviews with patients selected for a call-back, coded as an interviewer would: one row per
excerpt, the interview id repeated, sometimes two excerpts for one theme, codes typed with varying case
and stray spaces, and one mistyped theme code (« BINÔME ») that validation rejects. Every excerpt is
invented; the names and the phone number in them are fake, there to show that they are scrubbed.

    python -m assistmed.synth.interviews --out resources/example/pays-de-la-loire/interviews/grid.csv
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np

SEED = 20210601
HEADER = ["Entretien", "Cabinet", "N° questionnaire", "Thème", "Origine (P/E)", "Extrait"]

# Theme code → (origin code, invented excerpts). Each excerpt is used once.
EXCERPTS: dict[str, tuple[str, list[str]]] = {
    "INFO": ("P", [
        "Au début je ne savais pas qui c'était, euh, je pensais que c'était une infirmière ou une secrétaire."
        " Personne ne m'a expliqué, on m'a juste dit « vous passez d'abord avec elle ».",
        "Il faudrait un panneau dans la salle d'attente, quelque chose, parce que là on ne sait pas ce qu'elle a"
        " le droit de faire ou pas.",
        "Elle n'a pas de badge, pas de blouse différente… Moi je l'ai prise pour la remplaçante du docteur la"
        " première fois, c'est un peu gênant après coup.",
        "On a reçu un papier avec le questionnaire, mais avant ça rien. J'aurais aimé qu'on m'en parle, que le"
        " médecin me dise lui-même pourquoi il travaille avec quelqu'un maintenant, ce qu'elle fait, ce qu'elle"
        " ne fait pas, et ce que ça change pour nous.",
        "C'est Mme Factice, je crois, enfin je connais son prénom mais pas son nom. Je ne sais pas vraiment son"
        " métier, assistante médicale ça ne me disait rien.",
        "Ma mère, qui a quatre-vingt-cinq ans, elle ne comprend pas pourquoi quelqu'un d'autre lui prend la"
        " tension. Il faudrait expliquer, surtout aux personnes âgées.",
        "Le nom, « assistant médical », ça prête à confusion, on croit que c'est un médecin assistant. Une"
        " affiche, un mot sur le site de prise de rendez-vous, ça suffirait.",
        "Je lui ai demandé directement ce qu'elle faisait, elle m'a bien expliqué, mais c'est moi qui ai dû"
        " demander, hein.",
    ]),
    "RELATION": ("E", [
        "La première fois j'étais un peu sur la réserve, je me demandais ce qu'elle allait noter. Maintenant elle"
        " me connaît, elle sait pour mon diabète, on discute.",
        "C'est devenu quelqu'un de familier. Elle se souvient de mes petits-enfants, elle me demande des"
        " nouvelles, ça met en confiance avant de voir le docteur.",
        "Au bout de trois ou quatre fois, oui, on s'habitue. Je lui dis des choses que je n'aurais pas dites au"
        " début, sur le moral notamment.",
        "J'ai eu deux assistantes différentes en six mois et c'est dommage, chaque fois il faut recommencer,"
        " réexpliquer. La relation, elle se fait avec une personne.",
        "Au début je trouvais ça froid, un intermédiaire de plus. Avec le temps, non, c'est quelqu'un sur qui on"
        " peut compter quand le médecin n'est pas joignable.",
        "Elle m'a rappelé pour mon vaccin, de sa propre initiative. Là je me suis dit qu'elle suivait vraiment mon"
        " dossier, qu'on n'était pas un numéro.",
        "Je ne la vois pas assez souvent pour que ça devienne une vraie relation ; une fois par an, c'est une"
        " inconnue à chaque fois.",
    ]),
    "BINOME": ("E", [
        "On voit bien s'ils s'entendent ou pas. Là, ils se parlent dans le couloir, il sait déjà ce qu'elle a"
        " noté, je n'ai pas besoin de tout répéter.",
        "Ce qui me gêne c'est quand le docteur me repose les mêmes questions. À quoi ça sert qu'elle les pose"
        " avant, alors ?",
        "Ils forment un vrai duo, elle prépare, il décide. Mais je regarde toujours si le médecin relit ce"
        " qu'elle a fait, ça me rassure.",
        "Une fois, elle m'a dit une chose et le médecin une autre sur le traitement. Depuis je fais plus"
        " attention à qui dit quoi.",
        "J'aime bien quand le docteur la présente, qu'il dit « je vous laisse avec ma collègue ». Ça montre"
        " qu'ils travaillent ensemble, que ce n'est pas de la sous-traitance.",
        "Quand elle hésite, elle va chercher le docteur tout de suite, elle ne fait pas semblant. Je trouve ça"
        " rassurant, ils se font confiance.",
    ]),
    "TEMPS": ("P", [
        "Le docteur a plus de temps pour parler, c'est vrai, il ne tape plus tout à l'ordinateur pendant que je"
        " parle. On se regarde, enfin.",
        "La consultation est plus courte avec lui, et ça je ne suis pas sûr d'aimer. Le temps gagné, il va où ?"
        " Pour d'autres patients, je suppose.",
        "Rendez-vous à 9 h 30, passage chez elle, puis chez lui ; au total ça prend le même temps, mais c'est"
        " mieux rempli.",
        "Je n'ai pas eu l'impression de voir moins le médecin, non. Par contre l'attente en salle est parfois"
        " plus longue, ils disent que c'est le temps de s'organiser.",
    ]),
    "CONFID": ("P", [
        "Pour certaines choses, des choses intimes, je préfère attendre d'être seule avec le médecin. Je ne veux"
        " pas que ça se sache, même si elle a le secret aussi, je suppose.",
        "Elle m'a pesée avec la porte ouverte, on entendait tout depuis le couloir. C'est un détail mais ça m'a"
        " gênée.",
        "Dans un petit village tout le monde se connaît ; elle, c'est la cousine de ma voisine. Alors oui, je"
        " fais attention à ce que je dis.",
    ]),
    "TACHES": ("E", [
        "Prendre la tension, d'accord. Mais l'autre jour elle voulait regarder mon oreille, et là j'ai dit non,"
        " ça c'est le travail du docteur.",
        "Pour les papiers, la mutuelle, le dossier de ma mère, elle a été précieuse. Je ne savais pas que ça"
        " faisait partie de son travail. Vous pouvez me rappeler au 06 00 00 45 67 si vous voulez en parler.",
    ]),
}

# Interview → (practice, questionnaire number, theme codes in coding order; a code twice = two excerpts).
# Counts of distinct interviews: INFO 7, RELATION 6, BINOME 5, TEMPS 4, CONFID 3, TACHES 2.
INTERVIEWS: dict[str, tuple[str, str, list[str]]] = {
    "E01": ("vendee-a", "1031", ["INFO", "INFO", "TEMPS", "RELATION"]),
    "E02": ("vendee-b", "2016", ["INFO", "BINOME", "CONFID"]),
    "E03": ("vendee-b", "2026", ["INFO", "RELATION", "TACHES"]),
    "E04": ("vendee-b", "2037", ["BINOME", "TEMPS", "RELATION", "RELATION"]),
    "E05": ("vendee-d", "4003", ["INFO", "BINOME", "CONFID"]),
    "E06": ("vendee-d", "4023", ["INFO", "TEMPS", "RELATION"]),
    "E07": ("vendee-e", "5012", ["BINOME", "BINOME", "RELATION", "TACHES"]),
    "E08": ("vendee-e", "5053", ["INFO", "BINOME", "TEMPS"]),
    "E09": ("vendee-f", "6019", ["INFO", "CONFID", "RELATION"]),
}
# (interview, position in its row list) typed with the accent the code does not have: rejected on input.
MISTYPED = ("E07", 1, "BINÔME")


def grid_rows(seed: int) -> list[list[str]]:
    """The grid's data rows; the seed decides which excerpt goes to which interview and the typing dirt."""
    rng = np.random.default_rng(seed)
    banks = {code: [texts[i] for i in rng.permutation(len(texts))] for code, (_, texts) in EXCERPTS.items()}
    rows = []
    for interview, (practice, questionnaire, codes) in INTERVIEWS.items():
        for position, code in enumerate(codes):
            origin = EXCERPTS[code][0]
            typed_code = code.lower() if rng.random() < 0.15 else code
            typed_origin = origin.lower() if rng.random() < 0.2 else origin
            if (interview, position) == MISTYPED[:2]:
                typed_code = MISTYPED[2]
            elif rng.random() < 0.1:
                typed_code = f" {typed_code} "
            rows.append([interview, practice, questionnaire, typed_code, typed_origin, banks[code].pop()])
    return rows


def write_interview_grid(out_path: Path, *, seed: int) -> None:
    """The example grid as an interviewer's spreadsheet saves it: CSV, UTF-8, `;`, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(grid_rows(seed))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(buffer.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assistmed.synth.interviews", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="resources/example/pays-de-la-loire/interviews/grid.csv")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    write_interview_grid(Path(args.out), seed=args.seed)
    print(args.out)


if __name__ == "__main__":
    main()
