"""A SYNTHETIC survey of Enschede, Almelo and Hengelo, generated from real published marginals (seeded).

Real respondent-level data of Enschede are not open. To show and test the survey capability, this module
generates a survey of about 20,000 adults that nobody answered. It is labelled "synthetisch" in its codebook,
and therefore on every page, export and API response that uses it. The script ``scripts/make_demo_survey.py``
writes it to a CSV file; the demo build (``surveys/demo_steps.py``) generates and imports it.

What is real (read from ``../shared/data``, never copied into the project):

- per buurt (KWB 2024, 85984NED): inhabitants, inhabitants 0-14 and 65+, % owner-occupied dwellings;
- per wijk (KWB 2022): the age shares 15-24, 25-44, 45-64, % low and high income, % with HBO/WO;
  per wijk (KWB 2024): men and women;
- per buurt (RIVM Gezondheid per wijk en buurt 2020, 50090NED, ages 18+): % good or very good health,
  % lonely, % difficulty making ends meet, % volunteering, % informal carers, % moderate or high risk of
  anxiety or depression. Buurten without a 2020 value (7 new Almelo codes) take their wijk's, else the
  gemeente's value.

How it is generated (numbers below are choices of this generator, not findings):

1. Adults per buurt × age group (18-24, 25-44, 45-64, 65+): the buurt's 65+ count, and its other adults
   split by its wijk's age shares (15-17 year olds taken as 3/10 of the 15-24 share).
2. Sample: n per buurt proportional to the square root of its adults (small buurten relatively more),
   about 20,000 in all; within a buurt, age groups drawn with response propensities 0.55/0.75/1.0/1.25
   (young people answer less). The design weight is the buurt × age population over its respondents, so the
   weighted sample has the buurt and age structure of the population.
3. Each respondent belongs to one of seven latent classes with levels of economic, cultural, social and
   person (health) capital (:data:`CLASSES`, loosely after SCP's *Eigentijdse ongelijkheid*, 2023). The class
   probability depends on age group and on a buurt deprivation score (difficulty making ends meet, share of
   rented dwellings).
4. Answers: ordinal logit per item with the class's capital levels (:data:`ITEMS`). For each item with a real
   published percentage, a buurt shift is solved (root finding) so that the population share in that buurt
   equals the published percentage exactly; the weighted survey share therefore matches it within sampling
   error. Other items get a small shift by the deprivation score.
5. Item non-response: each answer is missing ("weet niet / wil niet zeggen", code 9; 99 for the count)
   with probability 2.5 %.
6. The open question "what is a good quality of life for you?" (:func:`_open_answers`, its own random stream,
   so the other answers stay as they were): about 65 % write something; an answer joins one or two made-up
   phrases (:data:`PHRASES`) of themes whose chance depends on the class (little health capital: health more
   often; little economic capital: money more often; much social capital: family and friends more often), and
   some answers name none of the codebook's themes. The phrases are invented; nobody wrote them.

The true class of every respondent is returned separately (:func:`generate` → ``truth``) for recovery tests;
it is not part of the survey file.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

GEMEENTEN = ("GM0153", "GM0141", "GM0164")
AGE_RESPONSE = np.array([0.55, 0.75, 1.0, 1.25])
MISSING_RATE = 0.025
CODEBOOK = "demo_codebook.yaml"

#: (name, [economic, cultural, social, person] capital, age profile 18-24/25-44/45-64/65+, base share, deprivation γ)
CLASSES = [
    ("gevestigde bovenlaag", [1.5, 1.5, 1.0, 1.0], [0.2, 1.0, 1.3, 0.8], 0.13, -0.9),
    ("jonge kansrijken", [0.3, 1.2, 1.2, 1.3], [2.5, 1.5, 0.3, 0.05], 0.12, -0.3),
    ("werkende middengroep", [0.5, 0.0, 0.6, 0.6], [0.6, 1.2, 1.2, 0.3], 0.20, 0.0),
    ("comfortabele ouderen", [1.0, 0.4, 0.4, -0.4], [0.0, 0.05, 0.5, 3.0], 0.15, -0.4),
    ("onzekere werkenden", [-0.8, -0.4, 0.2, 0.1], [1.0, 1.2, 1.0, 0.3], 0.14, 0.5),
    ("weinig economisch, veel sociaal kapitaal", [-1.0, -0.6, 1.3, 0.0], [0.8, 1.0, 1.0, 1.0], 0.13, 0.6),
    ("precariaat", [-1.5, -1.0, -1.2, -1.5], [0.6, 0.8, 1.0, 1.2], 0.13, 1.0),
]

#: item → (number of categories, loadings on [E, C, S, P], calibration target or None)
#: a target is (source column, codes whose share equals the published percentage)
ITEMS: dict[str, tuple[int, list[float], tuple[str, tuple[int, ...]] | None]] = {
    "inkomen": (3, [1.6, 0.3, 0.0, 0.0], ("income_low", (1,))),
    "rondkomen": (2, [1.8, 0.2, 0.0, 0.3], ("MoeiteMetRondkomen_38", (1,))),
    "koopwoning": (2, [1.2, 0.2, 0.0, 0.0], ("Koopwoningen_47", (2,))),
    "buffer": (2, [1.5, 0.3, 0.0, 0.0], None),
    "opleiding": (3, [0.4, 1.8, 0.0, 0.0], ("edu_appl_sci", (3,))),
    "cultuur": (3, [0.3, 1.5, 0.3, 0.0], None),
    "lezen": (2, [0.1, 1.2, 0.0, 0.0], None),
    "digitaal": (2, [0.3, 1.0, 0.0, 0.4], None),
    "eenzaam": (2, [0.2, 0.0, 1.6, 0.5], ("Eenzaam_28", (1,))),
    "vrijwilliger": (2, [0.2, 0.6, 1.0, 0.0], ("Vrijwilligerswerk_33", (2,))),
    "vertrouwen_buurt": (3, [0.3, 0.0, 1.0, 0.2], None),
    "contact": (4, [0.0, 0.0, 1.3, 0.2], None),
    "netwerk_hoogopgeleid": (2, [0.4, 1.2, 0.6, 0.0], None),
    "netwerk_herkomst": (2, [0.0, 0.6, 0.8, 0.0], None),
    "netwerk_leeftijd": (2, [0.0, 0.2, 0.9, 0.1], None),
    "hulp_gegeven": (2, [0.0, 0.2, 0.8, 0.2], ("Mantelzorger_32", (2,))),
    "hulp_gekregen": (2, [-0.3, 0.0, 0.6, -0.8], None),
    "gezondheid": (3, [0.3, 0.2, 0.0, 1.8], ("ErvarenGezondheidGoedZeerGoed_4", (3,))),
    "beperkt": (2, [0.0, 0.0, 0.0, 1.5], None),
    "angst_depressie": (2, [0.3, 0.0, 0.5, 1.2], ("MatigHoogRisicoOpAngstOfDepressie_24", (1,))),
    "regie": (2, [0.4, 0.2, 0.3, 1.0], None),
}
THRESHOLDS = {2: [0.0], 3: [0.8, -0.8], 4: [1.2, 0.0, -1.2]}
HEALTH_COLUMNS = ["ErvarenGezondheidGoedZeerGoed_4", "Eenzaam_28", "MoeiteMetRondkomen_38", "Vrijwilligerswerk_33",
                  "Mantelzorger_32", "MatigHoogRisicoOpAngstOfDepressie_24"]
WIJK_COLUMNS = ["pop_15_24", "pop_25_44", "pop_45_64", "income_low", "income_high", "edu_appl_sci",
                "dwelling_ownership"]


#: made-up phrases per theme of the open question (invented, not quotes); "anders": no theme keyword
PHRASES = {
    "gezondheid": ["gezond blijven", "geen pijn hebben", "fit genoeg om te wandelen", "goede zorg als ik ziek ben"],
    "geld": ["geen zorgen over geld", "kunnen rondkomen", "geen schulden", "de rekeningen kunnen betalen"],
    "mensen": ["tijd met familie", "goede vrienden", "de kinderen zien opgroeien", "aardige buren",
               "samen met mijn partner"],
    "wonen": ["een fijn huis", "een veilige buurt", "een schone straat", "een goede woning"],
    "werk": ["werk dat ik leuk vind", "een vaste baan", "nuttig bezig blijven", "vrijwilligerswerk doen"],
    "vrijheid": ["zelf mijn keuzes maken", "vrijheid hebben", "onafhankelijk blijven", "rust in mijn hoofd"],
    "anders": ["tevreden zijn met wat er is", "af en toe op vakantie", "genieten van de natuur", "muziek maken"],
}
#: per theme: (base probability, capital index E/C/S/P, effect of that capital level on the logit)
THEME_MODEL = {"gezondheid": (0.35, 3, -0.7), "geld": (0.25, 0, -0.8), "mensen": (0.35, 2, 0.6),
               "wonen": (0.2, 0, 0.0), "werk": (0.18, 1, 0.3), "vrijheid": (0.15, 1, 0.2), "anders": (0.12, 0, 0.0)}
OPEN_RATE = 0.65


def _open_answers(levels: np.ndarray, rng: np.random.Generator) -> list[str]:
    """One made-up open answer per respondent (class capital levels N × 4), "" when not answered."""
    out = []
    names = list(THEME_MODEL)
    for lv in levels:
        if rng.random() >= OPEN_RATE:
            out.append("")
            continue
        logits = np.array([np.log(b / (1 - b)) + eff * lv[cap] for b, cap, eff in THEME_MODEL.values()])
        p = 1 / (1 + np.exp(-logits))
        chosen = [t for t, pt in zip(names, p, strict=True) if rng.random() < pt][:2]
        if not chosen:
            chosen = [names[int(np.argmax(p))]]
        parts = [PHRASES[t][int(rng.integers(len(PHRASES[t])))] for t in chosen]
        text = " en ".join(parts)
        out.append(text[0].upper() + text[1:])
    return out


@dataclass
class Synthetic:
    survey: pd.DataFrame  # the survey file (what an import reads)
    truth: np.ndarray  # true class index per respondent (0..6), same order
    buurten: pd.DataFrame  # per buurt: adults, sample size, and the real published percentages used
    codebook_path: Path


def codebook_path() -> Path:
    return Path(str(resources.files("kansenmonitor.surveys") / "data" / CODEBOOK))


def _read_marginals(data: Path) -> pd.DataFrame:
    kwb = pd.read_csv(data / "kwb_buurt" / "twente3_gm_wk_bu_2024_kwb85984NED_misdrijven47022NED_gezondheid50150NED.csv")
    bu = kwb[(kwb["level"] == "buurt") & kwb["gm_code"].isin(GEMEENTEN)].copy()
    bu = bu[["code", "name", "wk_code", "gm_code", "AantalInwoners_5", "k_0Tot15Jaar_8", "k_65JaarOfOuder_12",
             "Koopwoningen_47"]].rename(columns={"AantalInwoners_5": "pop", "k_0Tot15Jaar_8": "k0_14",
                                                 "k_65JaarOfOuder_12": "k65"})
    wk = pd.read_csv(data / "kwb" / "nl_wijken_2022_tmap_kwb2022.csv")
    wk = wk[wk["gm_code"].isin(GEMEENTEN)].set_index("code")
    gm = pd.read_csv(data / "kwb" / "nl_gemeenten_2022_tmap_kwb2022.csv").set_index("code")
    sex = pd.read_csv(data / "kwb" / "nl_gemeenten_wijken_2024_kwb85984NED_subset.csv").set_index("code")
    health = pd.read_csv(data / "health" / "twente3_gezondheid_wijk_buurt_50090NED_2012_2016_2020.csv")
    health = health[(health["jaar"] == 2020) & (health["leeftijdsgroep"] == "18+")]
    health = health.assign(regio_code=health["regio_code"].str.strip()).set_index("regio_code")
    for col in WIJK_COLUMNS:
        bu[col] = [wk[col].get(w, np.nan) if w in wk.index else np.nan for w in bu["wk_code"]]
        missing = bu[col].isna()
        bu.loc[missing, col] = [gm[col].get(g, np.nan) for g in bu.loc[missing, "gm_code"]]
    for col in HEALTH_COLUMNS:
        vals = []
        for code, w, g in zip(bu["code"], bu["wk_code"], bu["gm_code"], strict=True):
            v = np.nan
            for key in (code, w, g):
                if key in health.index and pd.notna(health.at[key, col]):
                    v = float(health.at[key, col])
                    break
            vals.append(v)
        bu[col] = vals
    men = []
    for w, g in zip(bu["wk_code"], bu["gm_code"], strict=True):
        row = sex.loc[w] if w in sex.index else sex.loc[g]
        men.append(float(row["Mannen_6"]) / float(row["Mannen_6"] + row["Vrouwen_7"]))
    bu["share_men"] = men
    own = bu["Koopwoningen_47"]
    bu["Koopwoningen_47"] = own.fillna(bu["dwelling_ownership"])
    bu = bu.dropna(subset=["pop"]).copy()
    # adults per age group: 65+ from the buurt, the rest split by the wijk's age shares
    pop = bu["pop"].to_numpy(float)
    k65 = bu["k65"].fillna(0).to_numpy(float)
    k0 = bu["k0_14"].fillna(0).to_numpy(float)
    s1524, s2544, s4564 = (bu[c].fillna(bu[c].mean()).to_numpy(float) for c in ("pop_15_24", "pop_25_44",
                                                                               "pop_45_64"))
    adults_1864 = np.clip(pop - k0 - k65 - 0.3 * s1524 / 100 * pop, 0, None)
    parts = np.vstack([0.7 * s1524, s2544, s4564])
    parts = parts / parts.sum(axis=0)
    ages = np.vstack([adults_1864 * parts, k65]).T  # buurten × 4
    bu[["a18_24", "a25_44", "a45_64", "a65"]] = np.round(ages)
    bu["adults"] = bu[["a18_24", "a25_44", "a45_64", "a65"]].sum(axis=1)
    return bu[bu["adults"] > 0].reset_index(drop=True)


def _zscore(x: np.ndarray) -> np.ndarray:
    x = np.where(np.isnan(x), np.nanmean(x), x)
    return (x - x.mean()) / (x.std() or 1.0)


def _class_probs(z: np.ndarray) -> np.ndarray:
    """P(class | buurt, age): buurten × 4 ages × 7 classes."""
    base = np.array([c[3] for c in CLASSES])
    age = np.array([c[2] for c in CLASSES]).T  # 4 × 7
    gamma = np.array([c[4] for c in CLASSES])
    raw = base[None, None, :] * age[None, :, :] * np.exp(gamma[None, None, :] * z[:, None, None])
    return raw / raw.sum(axis=2, keepdims=True)


def _cum_probs(eta: np.ndarray, k: int, alpha: float | np.ndarray) -> np.ndarray:
    """P(y = 1..k) for linear predictors ``eta`` (any shape) with shift ``alpha``: shape (..., k)."""
    th = np.array(THRESHOLDS[k])
    ge = expit(eta[..., None] + th + np.asarray(alpha)[..., None])  # P(y ≥ 2..k)
    ge = np.concatenate([np.ones(ge.shape[:-1] + (1,)), ge, np.zeros(ge.shape[:-1] + (1,))], axis=-1)
    return ge[..., :-1] - ge[..., 1:]


def generate(data: Path, n: int = 20000, seed: int = 20240601, wave: int = 2024) -> Synthetic:
    """Generate the synthetic survey (deterministic for a given ``seed`` and data)."""
    rng = np.random.default_rng(seed)
    bu = _read_marginals(Path(data))
    z = (_zscore(bu["MoeiteMetRondkomen_38"].to_numpy(float)) - _zscore(bu["Koopwoningen_47"].to_numpy(float))) / 2
    pclass = _class_probs(z)  # B × 4 × 7
    ages_pop = bu[["a18_24", "a25_44", "a45_64", "a65"]].to_numpy(float)
    adults = ages_pop.sum(axis=1)
    levels = np.array([c[1] for c in CLASSES])  # 7 × 4
    # sample sizes: proportional to sqrt(adults), at most half the adults
    alloc = np.sqrt(adults) / np.sqrt(adults).sum() * n
    nb = np.minimum(np.round(alloc).astype(int), (adults // 2).astype(int))
    # shifts per buurt and item: solved for calibrated items, else a small deprivation shift
    pop_mix = ages_pop / adults[:, None]  # B × 4
    class_mix = np.einsum("ba,bac->bc", pop_mix, pclass)  # population class shares per buurt, B × 7
    alphas: dict[str, np.ndarray] = {}
    for item, (k, load, target) in ITEMS.items():
        eta = levels @ np.array(load)  # 7
        if target is None:
            alphas[item] = -0.3 * z
            continue
        col, codes = target
        goal = bu[col].to_numpy(float) / 100
        idx = [c - 1 for c in codes]
        out = np.empty(len(bu))
        for b in range(len(bu)):
            g = min(max(goal[b], 0.005), 0.995) if np.isfinite(goal[b]) else np.nan
            if not np.isfinite(g):
                out[b] = -0.3 * z[b]
                continue

            def f(a, b=b, g=g, eta=eta, k=k, idx=idx):
                return float(class_mix[b] @ _cum_probs(eta, k, a)[:, idx].sum(axis=1)) - g

            out[b] = brentq(f, -20, 20)
        alphas[item] = out
    rows = []
    truth = []
    counter = 0
    for b in range(len(bu)):
        m = int(nb[b])
        if m <= 0:
            continue
        p_age = ages_pop[b] * AGE_RESPONSE
        p_age = p_age / p_age.sum()
        age = rng.choice(4, size=m, p=p_age)
        cls = np.array([rng.choice(7, p=pclass[b, a]) for a in age])
        counts = np.bincount(age, minlength=4)
        wt = np.where(counts[age] > 0, ages_pop[b, age] / np.maximum(counts[age], 1), 0.0)
        wt = wt * adults[b] / wt.sum()
        sex = np.where(rng.random(m) < bu.at[b, "share_men"], 1, 2)
        rec = {"respondent": [f"S{counter + i + 1:06d}" for i in range(m)], "buurtcode": [bu.at[b, "code"]] * m,
               "gewicht": np.round(wt, 4), "leeftijd": age + 1, "geslacht": sex}
        for item, (k, load, _target) in ITEMS.items():
            eta = levels[cls] @ np.array(load)
            probs = _cum_probs(eta, k, alphas[item][b])
            u = rng.random(m)[:, None]
            rec[item] = (u > np.cumsum(probs, axis=1)).sum(axis=1) + 1
        s_level = levels[cls, 2]
        rec["steun_aantal"] = np.minimum(rng.poisson(np.exp(1.2 + 0.45 * s_level - 0.1 * z[b])), 20)
        rows.append(pd.DataFrame(rec))
        truth.append(cls)
        counter += m
    survey = pd.concat(rows, ignore_index=True)
    items = list(ITEMS) + ["steun_aantal"]
    for item in items:
        miss = rng.random(len(survey)) < MISSING_RATE
        survey[item] = survey[item].astype(int)
        survey.loc[miss, item] = 99 if item == "steun_aantal" else 9
    bu["sample"] = nb
    truth_all = np.concatenate(truth)
    survey["kwaliteit_van_leven"] = _open_answers(levels[truth_all], np.random.default_rng(seed + 7919))
    order = ["respondent", "buurtcode", "gewicht", "leeftijd", "geslacht"] + items + ["kwaliteit_van_leven"]
    return Synthetic(survey[order], truth_all, bu, codebook_path())


def write(data: Path, out: Path, n: int = 20000, seed: int = 20240601) -> Synthetic:
    syn = generate(data, n=n, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    syn.survey.to_csv(out, index=False)
    return syn
