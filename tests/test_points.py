"""Reception points: hours, accessibility and freshness, as applicants and staff see them."""

from __future__ import annotations

from pathlib import Path

from conftest import run


def test_hours_table_on_point_pages(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    adil = (out / "lieux" / "adil03" / "index.html").read_text(encoding="utf-8")
    assert "<caption>Horaires d'ouverture d&#39;ADIL03</caption>" in adil
    assert "Le 1er et le 3e lundi du mois : 9 h – 12 h uniquement" in adil
    assert '<td><span class="slot">9 h – 17 h</span> (permanence téléphonique)</td>' in adil  # a time range never breaks
    cdc = (out / "lieux" / "cdc-habitat" / "index.html").read_text(encoding="utf-8")
    assert cdc.count("14 h – 15 h") == 5  # the one-hour window, Monday to Friday
    bellerive = (out / "lieux" / "maison-solidarites-bellerive-sur-allier" / "index.html").read_text(encoding="utf-8")
    assert "Accueil sur rendez-vous uniquement" in bellerive


def test_the_default_project_passes_strict_and_lists_the_real_gaps_of_its_source(project: Path, tmp_path: Path):
    result = run("build", "--strict", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert ": avertissement : " not in result.stderr and ": erreur : " not in result.stderr
    assert "0 avertissement, 8 lacunes connues, 0 erreur" in result.stdout
    assert "Lacunes connues des sources (8)" in result.stderr
    gaps = [line for line in result.stderr.splitlines() if ": lacune : " in line]
    assert [line.split(": lacune : ")[0] for line in gaps] == [
        "data/bailleurs.yml:13:12",  # SDES, RPLS 2022 (first of 12 places)
        "data/chiffres/tableaux.yml:253:16",  # AURA HLM 2022 (first of 4 places)
        "data/lieux/allier-habitat.yml:10:3",
        "data/lieux/france-services-vichy.yml:23:3",
        "siad.yml:3:1",  # the host: known only when the site is put online
        "siad.yml:3:1",  # the licence of the open data: the publisher's decision
        "siad.yml:33:3",  # the multi-year accessibility plan, not in the sources
        "siad.yml:33:3",  # the current year's action plan, not in the sources
    ]
    assert "les horaires de « Allier Habitat » sont à confirmer" in gaps[2]
    assert "chiffres de 2022 (SDES, RPLS 2022) : plus de 3 ans ; ce sont les chiffres les plus récents que publie le PPGDID 2024-2029" in gaps[0]


def test_old_figures_are_warnings_unless_their_vintage_is_declared_in_siad_yml(project: Path, tmp_path: Path):
    config = project / "siad.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  millesime: 2022\n", "  millesime: 2021\n"), encoding="utf-8")
    result = run("build", "--strict", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "data/bailleurs.yml:13:12: erreur : chiffres de 2022 (SDES, RPLS 2022) : plus de 3 ans" in result.stderr
    assert "déclarez-le dans siad.yml avec « chiffres_anciens: »" in result.stderr
    assert not (tmp_path / "out").exists()
    plain = run("build", "--source", project, "--out", tmp_path / "out")
    assert plain.exit_code == 0 and "2 avertissements, 6 lacunes connues, 0 erreur" in plain.stdout

    config.write_text(text.replace("  raison: ", "  raisons: "), encoding="utf-8")
    broken = run("check", "--source", project)
    assert broken.exit_code == 1
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  raison: "))
    assert f"siad.yml:{line}:3: erreur : " in broken.stderr and "« raison »" in broken.stderr


def test_hours_to_be_confirmed_of_any_point_are_a_gap_not_a_failure(project: Path, tmp_path: Path):
    point = project / "data" / "lieux" / "evolea.yml"
    text = point.read_text(encoding="utf-8")
    start = text.index("horaires:")
    end = next((i for i in range(start + 1, len(text)) if text[i - 1] == "\n" and text[i] not in " #\n"), len(text))
    point.write_text(text[:start] + "horaires:\n  a_confirmer: oui\n" + text[end:], encoding="utf-8")
    result = run("build", "--strict", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "lacune : les horaires de « Evoléa » sont à confirmer" in result.stderr
    assert "9 lacunes connues" in result.stdout
    page = (tmp_path / "out" / "lieux" / "evolea" / "index.html").read_text(encoding="utf-8")
    assert "Horaires pas encore connus" in page


def test_a_record_not_checked_for_a_year_is_a_warning(project: Path, tmp_path: Path, monkeypatch):
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(point.read_text(encoding="utf-8") + "verifie_le: 2026-02-01\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1827619200")  # 2027-12-01: 22 months later
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0
    line = point.read_text(encoding="utf-8").count("\n")
    assert f"data/lieux/evolea.yml:{line}:13: avertissement : la fiche « Evoléa » n'a pas été vérifiée depuis le 2026-02-01" in result.stderr
    page = (tmp_path / "out" / "lieux" / "evolea" / "index.html").read_text(encoding="utf-8")
    assert "Informations mises à jour le 23 novembre 2026, vérifiées le 1er février 2026." in page

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798675200")  # 2026-12-31: 11 months later, no warning
    recent = run("build", "--source", project, "--out", tmp_path / "out2")
    assert "n'a pas été vérifiée" not in recent.stderr


def test_accessibility_block(project: Path, tmp_path: Path):
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(
        point.read_text(encoding="utf-8")
        + "accessibilite:\n  plain_pied: oui\n  acceslibre: https://acceslibre.beta.gouv.fr/app/03-vichy/a/exemple/\n",
        encoding="utf-8",
    )
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "lieux" / "evolea" / "index.html").read_text(encoding="utf-8")
    assert "Entrée : de plain-pied ou par une rampe" in page
    assert 'href="https://acceslibre.beta.gouv.fr/app/03-vichy/a/exemple/"' in page


def test_a_point_and_a_config_with_every_optional_field(project: Path, tmp_path: Path):
    """Valid files using every key the schemas allow build, and each value shows up."""
    (project / "data" / "lieux" / "complet.yml").write_text(
        """nom: "Lieu complet"
organisation: "Organisme du lieu"
niveau: 2
adresse: "1 rue de la Paix"
complement_adresse: "Bâtiment B, 2e étage"
code_postal: "03300"
commune: "Cusset"
code_insee: "03095"
telephone: ["04 70 00 00 01", "+33 4 70 00 00 02"]
courriel: "accueil@exemple.fr"
site_web: "https://www.exemple.fr/accueil"
communes_desservies: ["03056", "03306"]
horaires:
  lundi_a_jeudi: ["09:00-12:00", "13:30-17:00"]
  vendredi:
    - plage: "09:00-12:00"
    - plage: "14:00-16:00"
      mode: telephone
  samedi: fermé
  exceptions:
    - jour: lundi
      semaines_du_mois: [2]
      plages: fermé
  remarque: "Fermé entre Noël et le jour de l'an."
modes_accueil: [sans_rendez_vous, sur_rendez_vous, telephone]
accessibilite:
  plain_pied: non
  acceslibre: "https://acceslibre.beta.gouv.fr/app/03-cusset/a/exemple/"
  remarque: "Ascenseur au fond du hall."
remarques: "Apportez votre numéro unique."
verifie_le: 2026-10-01
""",
        encoding="utf-8",
    )
    config = project / "siad.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "contact:\n",
            'url: "https://logement.exemple.fr/siad/"\nage_max_verification_mois: 6\nage_max_chiffres_ans: 5\ncontact:\n'
            '  courriel: "contact@exemple.fr"\n',
        ).replace('  telephone: "04 63 01 10 65"', '  telephone: "04 70 00 00 09"')
        .replace('  directeur_publication:', '  telephone: "04 70 00 00 10"\n  courriel: "editeur@exemple.fr"\n  directeur_publication:')
        + 'hebergeur:\n  nom: "Hébergeur Exemple"\n  adresse: "2 rue du Serveur, 75000 Paris"\n  telephone: "01 00 00 00 00"\n'
        + 'licence_donnees:\n  nom: "Licence Ouverte 2.0"\n  url: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"\n',
        encoding="utf-8",
    )
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            "  etat: non_conforme\n",
            "  etat: partiellement_conforme\n  audit:\n    date: 2026-06-01\n    realise_par: \"Cabinet Exemple\"\n    taux: 72\n"
            "    referentiel: \"RGAA 4.1.2\"\n  non_conformites: [\"Le plan de situation n'a pas d'alternative.\"]\n"
            "  derogations: [\"Les anciens comptes rendus numérisés.\"]\n"
            "  schema_pluriannuel: \"https://www.exemple.fr/schema\"\n  plan_action: \"https://www.exemple.fr/plan-2026\"\n",
        ),
        encoding="utf-8",
    )
    result = run("build", "--strict", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "chiffres de 2022" not in result.stderr  # age_max_chiffres_ans: 5 was read
    page = (tmp_path / "out" / "lieux" / "complet" / "index.html").read_text(encoding="utf-8")
    for text in (
        "Organisme du lieu",
        "Bâtiment B, 2e étage",
        'href="tel:+33470000001"',
        'href="tel:+33470000002">04 70 00 00 02',
        'href="mailto:accueil@exemple.fr"',
        'href="https://www.exemple.fr/accueil"',
        "<li>La Chapelle</li>",
        "<span class=\"slot\">14 h – 16 h</span> (permanence téléphonique)",
        "Le 2e lundi du mois : fermé",
        "Fermé entre Noël et le jour de l&#39;an.",
        "Accueil sans rendez-vous",
        "Entrée : avec des marches",
        "Ascenseur au fond du hall.",
        "Apportez votre numéro unique.",
        "Informations vérifiées le 1er octobre 2026.",
    ):
        assert text in page, text
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="tel:+33470000009"' in home and 'href="mailto:contact@exemple.fr"' in home
    assert '<a href="accessibilite/">Accessibilité : partiellement conforme</a>' in home
    legal = (tmp_path / "out" / "mentions-legales" / "index.html").read_text(encoding="utf-8")
    for text in ("Hébergeur Exemple", "2 rue du Serveur, 75000 Paris", 'href="tel:+33100000000"', 'href="mailto:editeur@exemple.fr"', 'href="tel:+33470000010"'):
        assert text in legal, text
    assert "non renseigné" not in legal
    statement = (tmp_path / "out" / "accessibilite" / "index.html").read_text(encoding="utf-8")
    for text in (
        "est <strong>partiellement conforme</strong>", "version RGAA 4.1.2", "Cabinet Exemple le 1er juin 2026", "<strong>72 %</strong>",
        "Le plan de situation n&#39;a pas d&#39;alternative.", "Les anciens comptes rendus numérisés.",
        'href="https://www.exemple.fr/schema"', 'href="https://www.exemple.fr/plan-2026"', "(https://logement.exemple.fr/siad/)",
    ):
        assert text in statement, text
    assert "non renseigné" not in statement
    data_page = (tmp_path / "out" / "donnees-ouvertes" / "index.html").read_text(encoding="utf-8")
    assert 'Licence : <a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">Licence Ouverte 2.0</a>' in data_page


def test_point_pages_offer_a_vcard_and_a_map_link(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    page = (out / "lieux" / "cdc-habitat" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://www.openstreetmap.org/search?query=8%20rue%20du%20Golf%2C%2003700%20Bellerive-sur-Allier"' in page
    assert '<a href="cdc-habitat.vcf" download>' in page
    raw = (out / "lieux" / "cdc-habitat" / "cdc-habitat.vcf").read_bytes().decode("utf-8")
    assert raw.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and raw.endswith("END:VCARD\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in raw.split("\r\n"))
    card = raw.replace("\r\n ", "").split("\r\n")  # unfolded
    assert "FN:CDC Habitat" in card and "TEL;VALUE=uri;TYPE=voice:tel:+33470322950" in card
    assert "ADR;TYPE=work:;;Le Golf\\, bâtiment A\\, 8 rue du Golf;Bellerive-sur-Allier;;03700;France" in card
    # Allier Habitat: the plan gives no contact, so no card and no link
    bare = (out / "lieux" / "allier-habitat" / "index.html").read_text(encoding="utf-8")
    assert ".vcf" not in bare and "openstreetmap" not in bare
    assert not (out / "lieux" / "allier-habitat" / "allier-habitat.vcf").exists()


def test_point_pages_carry_schema_org_json_ld(project: Path, tmp_path: Path):
    import json
    import re

    out = tmp_path / "out"
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(point.read_text(encoding="utf-8").replace('nom: "Evoléa"', 'nom: "Evoléa </script><!--"'), encoding="utf-8")
    assert run("build", "--source", project, "--out", out, "--base-url", "https://logement.exemple.fr/").exit_code == 0
    page = (out / "lieux" / "cdc-habitat" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "GovernmentOffice" and data["name"] == "CDC Habitat"
    assert data["url"] == "https://logement.exemple.fr/lieux/cdc-habitat/"
    assert data["telephone"] == "+33470322950" and data["address"]["postalCode"] == "03700"
    assert {"@type": "OpeningHoursSpecification", "dayOfWeek": [f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")], "opens": "14:00", "closes": "15:00"} in data["openingHoursSpecification"]
    hostile = (out / "lieux" / "evolea" / "index.html").read_text(encoding="utf-8")
    block = re.findall(r'<script type="application/ld\+json">(.*?)</script>', hostile, re.S)[0]
    assert json.loads(block)["name"] == "Evoléa </script><!--" and "<" not in block
    # hours to be confirmed are not exported as opening hours
    unknown = (out / "lieux" / "france-services-vichy" / "index.html").read_text(encoding="utf-8")
    assert "openingHoursSpecification" not in unknown


def test_two_points_with_the_same_name_are_a_warning(project: Path, tmp_path: Path):
    source = (project / "data" / "lieux" / "evolea.yml").read_text(encoding="utf-8")
    (project / "data" / "lieux" / "zz-evolea-bis.yml").write_text(source, encoding="utf-8")
    line = source.splitlines().index('nom: "Evoléa"') + 1
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert f"data/lieux/zz-evolea-bis.yml:{line}:6: avertissement : deux lieux d'accueil portent le même nom « Evoléa » (aussi dans data/lieux/evolea.yml)" in result.stderr
    assert run("build", "--strict", "--source", project, "--out", tmp_path / "strict").exit_code == 1


def test_a_point_known_only_by_its_commune_gets_no_vcard_link(project: Path, tmp_path: Path):
    (project / "data" / "lieux" / "permanence.yml").write_text(
        'nom: "Permanence en mairie"\nniveau: 2\ncode_postal: "03300"\ncommune: "Cusset"\ncode_insee: "03095"\nhoraires: {sur_rendez_vous: oui}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("build", "--strict", "--source", project, "--out", out)
    assert result.exit_code == 0, result.stderr  # in particular, no link to a missing .vcf
    page = (out / "lieux" / "permanence" / "index.html").read_text(encoding="utf-8")
    assert "03300 Cusset" in page and ".vcf" not in page


def test_vcard_values_cannot_start_a_new_property():
    """A carriage return or a Unicode line separator in a value stays inside it, escaped as « \\n »."""
    from siad.vcard import _escape

    assert _escape("Accueil\r\nEMAIL:pirate@exemple.fr\rsuite\u2028fin; a, b\\") == "Accueil\\nEMAIL:pirate@exemple.fr\\nsuite\\nfin\\; a\\, b\\\\"
